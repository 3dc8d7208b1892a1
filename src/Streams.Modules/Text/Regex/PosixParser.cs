namespace Streams.Modules.Text.Regex;

/// <summary>Parses GNU basic and extended regular expressions (as grep 3 and sed 4 read them in the C locale)
/// into a tree of <see cref="PosixNode"/>.</summary>
/// <remarks>
/// GNU context rules kept here: in a BRE, <c>*</c>, <c>\+</c>, <c>\?</c> and <c>\{</c> are literal where no
/// atom precedes them (start of the pattern, after <c>\(</c>, <c>\|</c> or an anchoring <c>^</c>); <c>^</c> anchors
/// only at the start of a branch and <c>$</c> only at its end. In an ERE a leading repetition operator repeats
/// nothing (GNU warns and ignores it), <c>{</c> that does not start a valid interval is literal, and an unmatched
/// <c>)</c> is literal.
/// </remarks>
internal sealed partial class PosixParser
{
    private readonly string _p;
    private readonly bool _ere;
    private readonly bool _icase;
    private readonly bool _sed;
    private readonly int _groupBase;
    private int _i;
    private int _groups;

    /// <summary>Bit n: group n is closed where the parser stands, as glibc's <c>completed_bkref_map</c>; an
    /// alternative sees only the groups closed before its alternation or within itself.</summary>
    private ulong _closed;

    private PosixParser(string pattern, PosixSyntax syntax, int groupBase)
    {
        _p = pattern;
        _ere = (syntax & PosixSyntax.Extended) != 0;
        _icase = (syntax & PosixSyntax.IgnoreCase) != 0;
        _sed = (syntax & PosixSyntax.SedEscapes) != 0;
        _groupBase = groupBase;
    }

    /// <summary>The number of capturing groups of the last parse.</summary>
    public int GroupCount => _groups;

    /// <summary>Whether a back-reference occurs.</summary>
    public bool HasBackReferences { get; private set; }

    /// <summary>Whether the match length can vary (alternation or a variable repetition), so that .NET's
    /// leftmost-first match may be shorter than POSIX's leftmost-longest one.</summary>
    public bool VariableLength { get; private set; }

    /// <summary>Parses <paramref name="pattern"/> (one char per byte); groups are numbered from
    /// <paramref name="groupBase"/> + 1.</summary>
    /// <exception cref="PosixRegexException">The pattern is invalid.</exception>
    public static (PosixNode Root, PosixParser Info) Parse(string pattern, PosixSyntax syntax, int groupBase = 0)
    {
        var parser = new PosixParser(pattern, syntax, groupBase);
        if ((syntax & PosixSyntax.Fixed) != 0)
        {
            var items = new List<PosixNode>(pattern.Length);
            foreach (char c in pattern)
            {
                items.Add(parser.Literal(c));
            }

            return (new ConcatNode(items), parser);
        }

        PosixNode root = parser.ParseRegex(0);
        return (root, parser);
    }

    private bool AtEnd => _i >= _p.Length;

    private bool At(string s) => string.CompareOrdinal(_p, _i, s, 0, s.Length) == 0;

    private bool AtAlternation() => _ere ? At("|") : At("\\|");

    private PosixNode ParseRegex(int depth)
    {
        ulong before = _closed;
        var branches = new List<PosixNode> { ParseBranch(depth) };
        while (AtAlternation())
        {
            _i += _ere ? 1 : 2;

            // glibc: \1 in "(a)|\1" is an invalid back reference, the group being in another alternative.
            ulong accumulated = _closed;
            _closed = before;
            branches.Add(ParseBranch(depth));
            _closed |= accumulated;
        }

        if (branches.Count == 1)
        {
            return branches[0];
        }

        VariableLength = true;
        return new AlternationNode(branches);
    }

    private PosixNode ParseBranch(int depth)
    {
        var items = new List<PosixNode>();
        bool repeated = false;
        while (!AtEnd && !AtAlternation())
        {
            if (_ere ? At(")") && depth > 0 : At("\\)"))
            {
                if (depth == 0)
                {
                    throw new PosixRegexException("Unmatched ) or \\)");
                }

                break;
            }

            // Is there an atom a repetition operator can apply to?
            if (_sed && items.Count > 0 && items[^1] is AssertNode && !_ere && _p[_i] == '*')
            {
                // glibc (sed): in a BRE, a star after any anchor or word assertion is an ordinary char.
                _i++;
                items.Add(Literal('*'));
                continue;
            }

            if (_sed && _ere && (items.Count == 0 || items[^1] is AssertNode) && StartsRepetition())
            {
                // glibc (sed) rejects what GNU grep's dfa quietly accepts.
                throw new PosixRegexException("Invalid preceding regular expression");
            }

            // In a BRE, assertions alone (^, \b, \< …) leave GNU in "start" context, where * is an ordinary char.
            bool noAtom = items.Count == 0 || (!_ere && items.TrueForAll(item => item is AssertNode));
            if (TryRepetition(out int min, out int max, noAtom))
            {
                if (noAtom)
                {
                    // ERE: GNU repeats the empty string ("* at start of expression"), which matches anything.
                    // Applied to a lone ^, it makes the anchor optional.
                    if (items.Count == 1)
                    {
                        items[0] = new RepeatNode(items[0], min, max);
                    }

                    continue;
                }

                if (_sed && !_ere && repeated)
                {
                    // glibc (sed): "a**" and "a\{2\}*" are errors in a BRE; GNU grep accepts them.
                    throw new PosixRegexException("Invalid preceding regular expression");
                }

                if (min != max)
                {
                    VariableLength = true;
                }

                items[^1] = new RepeatNode(items[^1], min, max);
                repeated = true;
                continue;
            }

            items.Add(ParseAtom(depth, items.Count == 0));
            repeated = false;
        }

        return items.Count == 1 ? items[0] : new ConcatNode(items);
    }

    /// <summary>Whether an ERE repetition operator (or a valid interval) starts here.</summary>
    private bool StartsRepetition()
    {
        char c = _p[_i];
        if (c is '*' or '+' or '?')
        {
            return true;
        }

        if (c != '{')
        {
            return false;
        }

        int save = _i;
        try
        {
            return TryEreInterval(out _, out _);
        }
        finally
        {
            _i = save;
        }
    }

    /// <summary>Reads a repetition operator at the current position, if one is there (and, in a BRE, has an
    /// atom to apply to).</summary>
    private bool TryRepetition(out int min, out int max, bool noAtom)
    {
        min = 0;
        max = -1;
        if (AtEnd)
        {
            return false;
        }

        char c = _p[_i];
        if (_ere)
        {
            switch (c)
            {
                case '*':
                    _i++;
                    return true;
                case '+':
                    _i++;
                    min = 1;
                    return true;
                case '?':
                    _i++;
                    max = 1;
                    return true;
                case '{':
                    return TryEreInterval(out min, out max);
                default:
                    return false;
            }
        }

        if (noAtom)
        {
            return false;
        }

        if (c == '*')
        {
            _i++;
            return true;
        }

        if (c != '\\' || _i + 1 >= _p.Length)
        {
            return false;
        }

        switch (_p[_i + 1])
        {
            case '+':
                _i += 2;
                min = 1;
                return true;
            case '?':
                _i += 2;
                max = 1;
                return true;
            case '{':
                _i += 2;
                ParseBreInterval(out min, out max);
                return true;
            default:
                return false;
        }
    }

    private bool TryEreInterval(out int min, out int max)
    {
        int save = _i;
        _i++;
        if (ReadBounds(out min, out max) && !AtEnd && _p[_i] == '}')
        {
            _i++;
            if (max >= 0 && min > max)
            {
                throw new PosixRegexException("Invalid content of \\{\\}");
            }

            CheckTooBig(min, max);
            return true;
        }

        // Not an interval: '{' is an ordinary char.
        _i = save;
        min = max = 0;
        return false;
    }

    private void ParseBreInterval(out int min, out int max)
    {
        bool ok = ReadBounds(out min, out max);
        if (AtEnd)
        {
            throw new PosixRegexException("Unmatched \\{");
        }

        if (!ok || !At("\\}"))
        {
            // Find out whether a closing \} exists at all: GNU reports the missing one first.
            throw new PosixRegexException(_p.IndexOf("\\}", _i, StringComparison.Ordinal) < 0 ? "Unmatched \\{" : "Invalid content of \\{\\}");
        }

        _i += 2;
        if (max >= 0 && min > max)
        {
            throw new PosixRegexException("Invalid content of \\{\\}");
        }

        CheckTooBig(min, max);
    }

    private static void CheckTooBig(int min, int max)
    {
        if (min > 32767 || max > 32767)
        {
            throw new PosixRegexException("Regular expression too big");
        }
    }

    /// <summary>Reads <c>n</c>, <c>n,</c>, <c>,m</c> or <c>n,m</c>; false when there is neither a number nor a comma.</summary>
    private bool ReadBounds(out int min, out int max)
    {
        int first = ReadNumber();
        bool comma = !AtEnd && _p[_i] == ',';
        if (comma)
        {
            _i++;
            int second = ReadNumber();
            min = Math.Max(first, 0);
            max = second;
            return true;
        }

        min = max = first;
        return first >= 0;
    }

    private int ReadNumber()
    {
        int value = -1;
        while (!AtEnd && char.IsAsciiDigit(_p[_i]))
        {
            value = Math.Min(((value < 0 ? 0 : value) * 10) + (_p[_i] - '0'), 1_000_000);
            _i++;
        }

        return value;
    }
}
