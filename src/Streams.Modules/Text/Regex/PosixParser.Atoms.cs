namespace Streams.Modules.Text.Regex;

/// <summary>Atoms: groups, anchors, escapes, bracket expressions and literals.</summary>
internal sealed partial class PosixParser
{
    private PosixNode ParseAtom(int depth, bool branchStart)
    {
        char c = _p[_i];
        if (_ere)
        {
            switch (c)
            {
                case '(':
                    _i++;
                    return ParseGroup(depth, ")");
                case '^':
                    _i++;
                    return new AssertNode(AssertKind.Start);
                case '$':
                    _i++;
                    return new AssertNode(AssertKind.End);
            }
        }
        else
        {
            if (At("\\("))
            {
                _i += 2;
                return ParseGroup(depth, "\\)");
            }

            if (c == '^' && branchStart)
            {
                _i++;
                return new AssertNode(AssertKind.Start);
            }

            if (c == '$' && (_i + 1 == _p.Length || string.CompareOrdinal(_p, _i + 1, "\\)", 0, 2) == 0 || string.CompareOrdinal(_p, _i + 1, "\\|", 0, 2) == 0))
            {
                _i++;
                return new AssertNode(AssertKind.End);
            }
        }

        switch (c)
        {
            case '.':
                _i++;
                var any = new ByteSet();
                any.AddRange(0, 255);
                return new SetNode(any);
            case '[':
                _i++;
                return ParseBracket();
            case '\\':
                return ParseEscape();
            default:
                _i++;
                return Literal(c);
        }
    }

    private GroupNode ParseGroup(int depth, string close)
    {
        int index = _groupBase + ++_groups;
        PosixNode body = ParseRegex(depth + 1);
        if (!At(close))
        {
            throw new PosixRegexException("Unmatched ( or \\(");
        }

        _i += close.Length;
        _closed |= 1UL << Math.Min(index - _groupBase, 63);
        return new GroupNode(index, body);
    }

    private PosixNode Literal(int c)
    {
        var set = new ByteSet();
        set.Add(c & 0xFF);
        if (_icase)
        {
            set.FoldCase();
        }

        return new SetNode(set);
    }

    private PosixNode ParseEscape()
    {
        if (_i + 1 >= _p.Length)
        {
            throw new PosixRegexException("Trailing backslash");
        }

        char c = _p[_i + 1];
        _i += 2;
        switch (c)
        {
            case >= '1' and <= '9':
                if ((_closed & (1UL << (c - '0'))) == 0)
                {
                    throw new PosixRegexException("Invalid back reference");
                }

                HasBackReferences = true;
                VariableLength = true;
                return new BackReferenceNode(_groupBase + (c - '0'), _icase);
            case 'w':
            case 'W':
            case 's':
            case 'S':
                var set = new ByteSet();
                if (c is 'w' or 'W')
                {
                    set.AddClass("alnum");
                    set.Add('_');
                }
                else
                {
                    set.AddClass("space");
                }

                if (c is 'W' or 'S')
                {
                    set.Negate();
                }

                return new SetNode(set);
            case 'b':
                return new AssertNode(AssertKind.WordBoundary);
            case 'B':
                return new AssertNode(AssertKind.NotWordBoundary);
            case '<':
                return new AssertNode(AssertKind.WordStart);
            case '>':
                return new AssertNode(AssertKind.WordEnd);
            case '`':
                return new AssertNode(AssertKind.Start);
            case '\'':
                return new AssertNode(AssertKind.End);
        }

        if (_sed && TrySedEscape(c, out int value))
        {
            return Literal(value);
        }

        return Literal(c);
    }

    /// <summary>sed's char escapes (\n, \t, \dNNN, \oNNN, \xHH, \cX …).</summary>
    private bool TrySedEscape(char c, out int value)
    {
        switch (c)
        {
            case 'n':
                value = '\n';
                return true;
            case 't':
                value = '\t';
                return true;
            case 'r':
                value = '\r';
                return true;
            case 'f':
                value = '\f';
                return true;
            case 'v':
                value = '\v';
                return true;
            case 'a':
                value = 7;
                return true;
            case 'c' when !AtEnd:
                value = char.ToUpperInvariant(_p[_i++]) ^ 0x40;
                return true;
            case 'd':
                return ReadCode(10, 3, out value);
            case 'o':
                return ReadCode(8, 3, out value);
            case 'x':
                return ReadCode(16, 2, out value);
            default:
                value = 0;
                return false;
        }
    }

    private bool ReadCode(int radix, int maxDigits, out int value)
    {
        value = 0;
        int digits = 0;
        while (digits < maxDigits && !AtEnd)
        {
            int d = HexDigit(_p[_i]);
            if (d < 0 || d >= radix)
            {
                break;
            }

            value = (value * radix) + d;
            _i++;
            digits++;
        }

        value &= 0xFF;
        return digits > 0;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private SetNode ParseBracket()
    {
        const string unmatched = "Unmatched [, [^, [:, [., or [=";
        int contentStart = _i;
        var set = new ByteSet();
        bool negate = !AtEnd && _p[_i] == '^';
        if (negate)
        {
            _i++;
        }

        bool first = true;
        while (true)
        {
            if (AtEnd)
            {
                throw new PosixRegexException(unmatched);
            }

            char c = _p[_i];
            if (c == ']' && !first)
            {
                _i++;
                break;
            }

            first = false;
            if (c == '[' && _i + 1 < _p.Length && _p[_i + 1] == ':')
            {
                int end = _p.IndexOf(":]", _i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new PosixRegexException(unmatched);
                }

                string name = _p.Substring(_i + 2, end - _i - 2);
                if (!set.AddClass(name))
                {
                    throw new PosixRegexException("Invalid character class name");
                }

                if (_icase && name is "upper" or "lower")
                {
                    set.AddClass("alpha");
                }

                _i = end + 2;
                continue;
            }

            int low = ReadBracketChar(unmatched);
            if (_i + 1 < _p.Length && _p[_i] == '-' && _p[_i + 1] != ']')
            {
                _i++;
                int high = ReadBracketChar(unmatched);
                if (high < low)
                {
                    throw new PosixRegexException("Invalid range end");
                }

                set.AddRange(low, high);
            }
            else
            {
                set.Add(low);
            }
        }

        // GNU rejects "[:space:]" written without the outer brackets.
        int close = _i - 1;
        int innerStart = contentStart + (negate ? 1 : 0);
        if (close - innerStart >= 2 && _p[innerStart] == ':' && _p[close - 1] == ':')
        {
            throw new PosixRegexException("character class syntax is [[:space:]], not [:space:]");
        }

        if (_icase)
        {
            set.FoldCase();
        }

        if (negate)
        {
            set.Negate();
        }

        return new SetNode(set);
    }

    /// <summary>One char of a bracket expression, or a collating symbol <c>[.c.]</c> / equivalence class <c>[=c=]</c>.</summary>
    private int ReadBracketChar(string unmatched)
    {
        if (_p[_i] == '[' && _i + 1 < _p.Length && _p[_i + 1] is '.' or '=')
        {
            char kind = _p[_i + 1];
            int end = _p.IndexOf(kind + "]", _i + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new PosixRegexException(unmatched);
            }

            if (end - _i - 2 != 1)
            {
                throw new PosixRegexException("Invalid collation character");
            }

            int value = _p[_i + 2];
            _i = end + 2;
            return value & 0xFF;
        }

        if (_sed && _p[_i] == '\\' && _i + 1 < _p.Length && _p[_i + 1] is 'n' or 't' or 'r' or 'f' or 'v' or 'a')
        {
            // sed turns these escapes into chars before compiling, so they work inside brackets too.
            _i += 2;
            TrySedEscape(_p[_i - 1], out int value);
            return value;
        }

        return _p[_i++] & 0xFF;
    }
}
