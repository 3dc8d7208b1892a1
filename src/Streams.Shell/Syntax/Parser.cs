namespace Streams.Shell.Syntax;

/// <summary>A recursive-descent parser for the shell's POSIX sh subset (grammar in docs/shell.md).</summary>
internal sealed class Parser
{
    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly Lexer _lexer;
    private int _index;

    private Parser(string text, int firstLine, bool more)
    {
        _text = text;
        _lexer = new Lexer(text, firstLine, more);
        _tokens = Lexer.Tokenize(text, firstLine, more);
    }

    /// <summary>Parses a whole script.</summary>
    /// <param name="text">The source.</param>
    /// <param name="firstLine">The line number of its first line (when a script is fed line by line).</param>
    /// <param name="more">Whether more lines may follow (see <see cref="Lexer(string, int, bool)"/>).</param>
    /// <exception cref="SyntaxException">The source is not valid.</exception>
    public static ScriptNode Parse(string text, int firstLine = 1, bool more = false) => new Parser(text, firstLine, more).Script();

    private Token Current => _tokens[_index];

    private Token Advance() => _tokens[_index++];

    private SyntaxException Unexpected(Token token)
        => _lexer.Error($"unexpected '{token.Display}'", token.Offset, token.Line, token.Column, token.Text.Length, token.Kind == TokenKind.EndOfFile);

    private void SkipNewlines()
    {
        while (Current.Kind == TokenKind.Newline)
        {
            _index++;
        }
    }

    private ScriptNode Script()
    {
        var lists = new List<AndOrNode>();
        while (true)
        {
            SkipNewlines();
            if (Current.Kind == TokenKind.EndOfFile)
            {
                break;
            }

            int startOffset = Current.Offset;
            (List<PipelineNode> pipelines, List<AndOrKind> joins) = AndOr();
            int endOffset = Current.Offset;
            bool background = false;
            switch (Current.Kind)
            {
                case TokenKind.Ampersand:
                    background = true;
                    Advance();
                    break;
                case TokenKind.Semicolon:
                case TokenKind.Newline:
                    Advance();
                    break;
                case TokenKind.EndOfFile:
                    break;
                default:
                    throw Unexpected(Current);
            }

            lists.Add(new AndOrNode(pipelines, joins, background, _text[startOffset..endOffset].Trim()));
        }

        return new ScriptNode(lists);
    }

    private (List<PipelineNode>, List<AndOrKind>) AndOr()
    {
        var pipelines = new List<PipelineNode> { Pipeline() };
        var joins = new List<AndOrKind> { AndOrKind.First };
        while (Current.Kind is TokenKind.AndIf or TokenKind.OrIf)
        {
            joins.Add(Advance().Kind == TokenKind.AndIf ? AndOrKind.And : AndOrKind.Or);
            SkipNewlines();
            pipelines.Add(Pipeline());
        }

        return (pipelines, joins);
    }

    private PipelineNode Pipeline()
    {
        // "! ! cmd" negates twice, as in bash.
        bool negated = false;
        bool bang = false;
        while (Current.Kind == TokenKind.Word && Current.Word!.IsPlain("!"))
        {
            negated = !negated;
            bang = true;
            Advance();
        }

        if (bang && Current.Kind is TokenKind.Semicolon or TokenKind.Newline or TokenKind.EndOfFile)
        {
            // bash: a '!' that ends the list negates an empty command ('!' alone has status 1).
            return new PipelineNode(negated, [new CommandNode([], [], [], Current.Line, Current.Column)]);
        }

        var commands = new List<CommandNode> { Command() };
        while (Current.Kind == TokenKind.Pipe)
        {
            Advance();
            SkipNewlines();
            if (Current.Kind == TokenKind.Word && Current.Word!.IsPlain("!"))
            {
                // "a | ! b": '!' only starts a pipeline, as in bash.
                throw Unexpected(Current);
            }

            commands.Add(Command());
        }

        return new PipelineNode(negated, commands);
    }

    private CommandNode Command()
    {
        Token first = Current;
        var assignments = new List<AssignmentNode>();
        var words = new List<WordNode>();
        var redirections = new List<RedirectionNode>();
        while (true)
        {
            Token token = Current;
            if (token.Kind == TokenKind.Word)
            {
                Advance();
                if (words.Count == 0 && AsAssignment(token.Word!) is { } assignment)
                {
                    assignments.Add(assignment);
                }
                else
                {
                    words.Add(words.Count > 0 ? WithAssignmentTilde(token.Word!) : token.Word!);
                }
            }
            else if (token.IsRedirection)
            {
                Advance();
                Token target = Current;
                if (target.Kind != TokenKind.Word)
                {
                    throw _lexer.Error($"unexpected '{(target.Kind == TokenKind.EndOfFile ? "newline" : target.Display)}'", target.Offset, target.Line, target.Column, target.Text.Length, incomplete: false);
                }

                Advance();
                if (token.Kind is TokenKind.AndGreat or TokenKind.AndDoubleGreat)
                {
                    // bash's "&>FILE" and "&>>FILE": stdout to FILE, then stderr to the same place.
                    redirections.Add(new RedirectionNode(1, token.Kind == TokenKind.AndGreat ? RedirectionKind.Output : RedirectionKind.Append, target.Word!));
                    redirections.Add(new RedirectionNode(2, RedirectionKind.Duplicate, new WordNode([new LiteralPart("1", true)], "1", token.Line, token.Column)));
                    continue;
                }

                redirections.Add(Redirection(token, target.Word!));
            }
            else
            {
                break;
            }
        }

        if (assignments.Count == 0 && words.Count == 0 && redirections.Count == 0)
        {
            throw Unexpected(Current);
        }

        return new CommandNode(assignments, words, redirections, first.Line, first.Column);
    }

    private static RedirectionNode Redirection(Token op, WordNode target)
    {
        (int defaultFd, RedirectionKind kind) = op.Kind switch
        {
            TokenKind.Less => (0, RedirectionKind.Input),
            TokenKind.Great => (1, RedirectionKind.Output),
            TokenKind.DoubleGreat => (1, RedirectionKind.Append),
            TokenKind.GreatAnd => (1, RedirectionKind.Duplicate),
            TokenKind.LessGreat => (0, RedirectionKind.ReadWrite),
            _ => (0, RedirectionKind.Duplicate),
        };
        return new RedirectionNode(op.IoNumber >= 0 ? op.IoNumber : defaultFd, kind, target);
    }

    /// <summary>An argument shaped like an assignment (<c>echo a=~/x</c>) gets the tilde after its <c>=</c>
    /// expanded, as bash does outside its POSIX mode.</summary>
    private static WordNode WithAssignmentTilde(WordNode word)
    {
        if (AsAssignment(word) is not { } assignment || !assignment.Value.Parts.Any(p => p is TildePart))
        {
            return word;
        }

        return word with { Parts = [new LiteralPart(assignment.Name + "=", false), .. assignment.Value.Parts] };
    }

    private static AssignmentNode? AsAssignment(WordNode word)
    {
        if (word.Parts.Count == 0 || word.Parts[0] is not LiteralPart { Quoted: false } first)
        {
            return null;
        }

        int eq = first.Text.IndexOf('=');
        if (eq <= 0 || !Lexer.IsName(first.Text[..eq]))
        {
            return null;
        }

        var valueParts = new List<WordPart>();
        string rest = first.Text[(eq + 1)..];
        AddWithTildes(valueParts, rest, atStart: true, last: word.Parts.Count == 1);
        for (int i = 1; i < word.Parts.Count; i++)
        {
            if (word.Parts[i] is LiteralPart { Quoted: false } literal)
            {
                AddWithTildes(valueParts, literal.Text, atStart: false, last: i == word.Parts.Count - 1);
            }
            else
            {
                valueParts.Add(word.Parts[i]);
            }
        }

        return new AssignmentNode(first.Text[..eq], new WordNode(valueParts, word.Raw[(eq + 1)..], word.Line, word.Column + eq + 1));
    }

    /// <summary>Adds unquoted text of an assignment's value, with a <see cref="TildePart"/> for each tilde at the
    /// value's start or after a colon that a slash, a colon or the end of the value follows, as in sh
    /// (<c>X=~/bin</c>, <c>PATH=~/a:~/b</c>).</summary>
    private static void AddWithTildes(List<WordPart> parts, string text, bool atStart, bool last)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            bool after = i == 0 ? atStart : text[i - 1] == ':';
            bool ends = i + 1 == text.Length ? last : text[i + 1] is '/' or ':';
            if (text[i] != '~' || !after || !ends)
            {
                continue;
            }

            if (i > start)
            {
                parts.Add(new LiteralPart(text[start..i], false));
            }

            parts.Add(new TildePart());
            start = i + 1;
        }

        if (start < text.Length)
        {
            parts.Add(new LiteralPart(text[start..], false));
        }
    }
}
