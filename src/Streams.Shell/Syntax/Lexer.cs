using System.Text;

namespace Streams.Shell.Syntax;

/// <summary>Turns source text into tokens: words with their quoted and parameter parts, operators, newlines.</summary>
/// <remarks>Comments (<c>#</c> at the start of a word) and backslash-newline continuations are dropped here.</remarks>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly int _firstLine;
    private readonly bool _more;
    private int _pos;
    private int _line;
    private int _lineStart;

    /// <param name="text">The source.</param>
    /// <param name="firstLine">The line number of its first line.</param>
    /// <param name="more">Whether more lines may follow (a script read line by line, the prompt): a
    /// backslash-newline at the very end then asks for the next line rather than ending the command.</param>
    public Lexer(string text, int firstLine = 1, bool more = false)
    {
        _more = more;
        _text = text;
        _firstLine = firstLine;
        _line = firstLine;
    }

    public static List<Token> Tokenize(string text, int firstLine = 1, bool more = false)
    {
        var lexer = new Lexer(text, firstLine, more);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.EndOfFile);
        return tokens;
    }

    /// <summary>The source line (without its newline) that holds <paramref name="offset"/>.</summary>
    public static string SourceLineAt(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        int start = offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;
        int end = text.IndexOf('\n', offset);
        return text[start..(end < 0 ? text.Length : end)];
    }

    public SyntaxException Error(string message, int offset, int line, int column, int width, bool incomplete)
        => new(message, line, column, SourceLineAt(_text, offset), width, incomplete);

    private int Column => _pos - _lineStart + 1;

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _pos + ahead >= _text.Length;

    // Drops a backslash-newline; one that ends the text so far needs the next line when more may follow.
    private void ContinueLine()
    {
        if (_more && AtEnd(2))
        {
            throw Error("unexpected 'end of file' after '\\'", _pos, _line, Column, 1, incomplete: true);
        }

        _pos += 2;
        NewLine();
    }

    private void NewLine()
    {
        _line++;
        _lineStart = _pos;
    }

    private Token Next()
    {
        while (!AtEnd())
        {
            char c = Peek();
            // Blanks are space and tab only: a carriage return is part of a word, as in sh (echo a\r prints it).
            if (c is ' ' or '\t')
            {
                _pos++;
            }
            else if (c == '\\' && Peek(1) == '\n')
            {
                ContinueLine();
            }
            else if (c == '#')
            {
                while (!AtEnd() && Peek() != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                break;
            }
        }

        int start = _pos;
        int line = _line;
        int column = Column;
        if (AtEnd())
        {
            return new Token(TokenKind.EndOfFile, "", start, line, column);
        }

        char ch = Peek();
        if (ch == '\n')
        {
            _pos++;
            var newline = new Token(TokenKind.Newline, "\n", start, line, column);
            NewLine();
            return newline;
        }

        if (char.IsAsciiDigit(ch))
        {
            // An IO number: digits directly followed by < or >.
            int end = _pos;
            while (end < _text.Length && char.IsAsciiDigit(_text[end]))
            {
                end++;
            }

            if (end < _text.Length && _text[end] is '<' or '>' && end - _pos <= 4)
            {
                int fd = int.Parse(_text.AsSpan(_pos, end - _pos), System.Globalization.CultureInfo.InvariantCulture);
                _pos = end;
                Token op = Operator(start, line, column);
                return op with { IoNumber = fd, Text = _text[start.._pos], Column = column, Offset = start };
            }
        }

        if (IsOperatorStart(ch))
        {
            return Operator(start, line, column);
        }

        return Word(start, line, column);
    }

    private static bool IsOperatorStart(char c) => c is '|' or '&' or ';' or '<' or '>' or '(' or ')';

    private static bool IsMeta(char c) => c is ' ' or '\t' or '\n' || IsOperatorStart(c);

    private Token Operator(int start, int line, int column)
    {
        char c = Peek();
        char d = Peek(1);
        (TokenKind kind, int length) = (c, d) switch
        {
            ('|', '|') => (TokenKind.OrIf, 2),
            ('|', _) => (TokenKind.Pipe, 1),
            ('&', '&') => (TokenKind.AndIf, 2),
            ('&', '>') when Peek(2) == '>' => (TokenKind.AndDoubleGreat, 3),
            ('&', '>') => (TokenKind.AndGreat, 2),
            ('&', _) => (TokenKind.Ampersand, 1),
            (';', ';') => (TokenKind.DoubleSemicolon, 2),
            (';', '&') => (TokenKind.SemicolonAnd, 2),
            (';', _) => (TokenKind.Semicolon, 1),
            ('>', '>') => (TokenKind.DoubleGreat, 2),
            ('>', '&') => (TokenKind.GreatAnd, 2),
            ('>', '|') => (TokenKind.Great, 2),
            ('>', _) => (TokenKind.Great, 1),
            ('<', '&') => (TokenKind.LessAnd, 2),
            ('<', '>') => (TokenKind.LessGreat, 2),
            ('<', _) => (TokenKind.Less, 1),
            ('(', _) => (TokenKind.LeftParen, 1),
            _ => (TokenKind.RightParen, 1),
        };
        _pos += length;
        return new Token(kind, _text[start.._pos], start, line, column);
    }

    private Token Word(int start, int line, int column)
    {
        var parts = new List<WordPart>();
        var literal = new StringBuilder();
        bool literalQuoted = false;

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literal.ToString(), literalQuoted));
                literal.Clear();
            }
        }

        void Append(char c, bool quoted)
        {
            if (literal.Length > 0 && literalQuoted != quoted)
            {
                Flush();
            }

            literalQuoted = quoted;
            literal.Append(c);
        }

        // "~:" too, as bash expands it (its tilde prefix also ends at a colon).
        if (Peek() == '~' && (AtEnd(1) || Peek(1) is '/' or ':' || IsMeta(Peek(1))))
        {
            parts.Add(new TildePart());
            _pos++;
        }

        while (!AtEnd() && !IsMeta(Peek()))
        {
            char c = Peek();
            if (c == '\\')
            {
                if (AtEnd(1))
                {
                    // A backslash that ends the text stands for itself (bash -c 'echo a\\' prints a\\).
                    Append('\\', true);
                    _pos++;
                    continue;
                }

                if (Peek(1) == '\n')
                {
                    ContinueLine();
                    continue;
                }

                Append(Peek(1), true);
                _pos += 2;
            }
            else if (c == '\'')
            {
                int qline = _line, qcol = Column, qpos = _pos;
                _pos++;
                bool any = false;
                while (true)
                {
                    if (AtEnd())
                    {
                        throw Error("unterminated quote \"'\"", qpos, qline, qcol, 1, incomplete: true);
                    }

                    char q = Peek();
                    _pos++;
                    if (q == '\'')
                    {
                        break;
                    }

                    if (q == '\n')
                    {
                        NewLine();
                    }

                    Append(q, true);
                    any = true;
                }

                if (!any)
                {
                    Flush();
                    parts.Add(new LiteralPart("", true));
                }
            }
            else if (c == '"')
            {
                DoubleQuoted(parts, literal, ref literalQuoted, Flush);
            }
            else if (c == '`')
            {
                throw Backquote();
            }
            else if (c == '$' && Peek(1) == '"')
            {
                // bash's $"…" (translated by the locale): in the C locale, the same as "…".
                _pos++;
                DoubleQuoted(parts, literal, ref literalQuoted, Flush);
            }
            else if (c == '$')
            {
                if (Parameter(quoted: false) is { } parameter)
                {
                    Flush();
                    parts.Add(parameter);
                }
                else
                {
                    Append('$', false);
                    _pos++;
                }
            }
            else
            {
                Append(c, false);
                _pos++;
            }
        }

        Flush();
        var word = new WordNode(parts, _text[start.._pos], line, column);
        return new Token(TokenKind.Word, word.Raw, start, line, column, word);
    }

    /// <summary>A backquote starts a command substitution in sh: refused as <c>$(</c> is, rather than taken as a
    /// plain character (which would run something other than what was meant).</summary>
    private SyntaxException Backquote() => Error("unsupported command substitution '`'", _pos, _line, Column, 1, incomplete: false);

    private void DoubleQuoted(List<WordPart> parts, StringBuilder literal, ref bool literalQuoted, Action flush)
    {
        int qline = _line, qcol = Column, qpos = _pos;
        _pos++;
        if (literal.Length > 0 && !literalQuoted)
        {
            flush();
        }

        literalQuoted = true;
        bool any = false;
        while (true)
        {
            if (AtEnd())
            {
                throw Error("unterminated quote '\"'", qpos, qline, qcol, 1, incomplete: true);
            }

            char c = Peek();
            if (c == '"')
            {
                _pos++;
                break;
            }

            if (c == '\\' && Peek(1) is '$' or '"' or '\\' or '`' or '\n')
            {
                if (Peek(1) == '\n')
                {
                    ContinueLine();
                    continue;
                }

                literal.Append(Peek(1));
                _pos += 2;
                any = true;
                continue;
            }

            if (c == '$' && Parameter(quoted: true) is { } parameter)
            {
                flush();
                literalQuoted = true;
                parts.Add(parameter);
                any = true;
                continue;
            }

            if (c == '\n')
            {
                _pos++;
                NewLine();
                literal.Append('\n');
                any = true;
                continue;
            }

            if (c == '`')
            {
                throw Backquote();
            }

            literal.Append(c);
            _pos++;
            any = true;
        }

        if (!any)
        {
            flush();
            parts.Add(new LiteralPart("", true));
        }

        flush();
    }

    /// <summary>Reads a parameter at <c>$</c>, or returns null (and moves nothing) when <c>$</c> is literal.</summary>
    private ParameterPart? Parameter(bool quoted)
    {
        char n = Peek(1);
        if (n == '{')
        {
            int dollar = _pos, line = _line, column = Column;
            int close = _text.IndexOf('}', _pos + 2);
            if (close < 0)
            {
                throw Error("unterminated '${'", dollar, line, column, 2, incomplete: true);
            }

            string name = _text[(_pos + 2)..close];
            if (!IsName(name) && !IsSpecial(name) && !(name.Length > 0 && name.All(char.IsAsciiDigit)))
            {
                throw Error($"bad substitution '${{{name}}}'", dollar, line, column, close - dollar + 1, incomplete: false);
            }

            _pos = close + 1;
            return new ParameterPart(name, quoted);
        }

        if (n == '(' || n == '`')
        {
            throw Error("unsupported command substitution '$('", _pos, _line, Column, 2, incomplete: false);
        }

        if (char.IsAsciiLetter(n) || n == '_')
        {
            int end = _pos + 1;
            while (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_'))
            {
                end++;
            }

            string name = _text[(_pos + 1)..end];
            _pos = end;
            return new ParameterPart(name, quoted);
        }

        if (char.IsAsciiDigit(n) || IsSpecial(n.ToString()))
        {
            _pos += 2;
            return new ParameterPart(n.ToString(), quoted);
        }

        return null;
    }

    public static bool IsName(string s)
    {
        if (s.Length == 0 || !(char.IsAsciiLetter(s[0]) || s[0] == '_'))
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSpecial(string s) => s is "?" or "#" or "@" or "*" or "$" or "!" or "0";
}
