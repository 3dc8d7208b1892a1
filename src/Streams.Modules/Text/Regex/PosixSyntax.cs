namespace Streams.Modules.Text.Regex;

/// <summary>How a pattern is read.</summary>
[Flags]
internal enum PosixSyntax
{
    /// <summary>A GNU basic regular expression (BRE), as grep and sed read by default.</summary>
    Basic = 0,

    /// <summary>A GNU extended regular expression (grep -E, sed -E).</summary>
    Extended = 1,

    /// <summary>Letters match either case (ASCII only, as in the C locale).</summary>
    IgnoreCase = 2,

    /// <summary>sed's escapes: <c>\n</c>, <c>\t</c>, <c>\xHH</c> … stand for the chars they name.</summary>
    SedEscapes = 4,

    /// <summary>Every char is literal (grep -F).</summary>
    Fixed = 8,
}
