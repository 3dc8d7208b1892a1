namespace Streams.Modules.Text;

/// <summary>What grep does with a binary file (one holding a NUL byte), as <c>--binary-files</c> says.</summary>
internal enum GrepBinaryFiles
{
    /// <summary>The default: a NUL ends a line, and instead of the lines selected once the NUL was seen, one
    /// "binary file matches" message.</summary>
    Binary,

    /// <summary>-a: a NUL is a byte like any other.</summary>
    Text,

    /// <summary>-I: the file is taken to have no selected line.</summary>
    WithoutMatch,
}

/// <summary>Whether grep walks directory operands (-r, -R).</summary>
internal enum GrepRecursion
{
    /// <summary>A directory operand is an error ("Is a directory").</summary>
    None,

    /// <summary>-r: the files under it; symbolic links followed only when they are operands.</summary>
    Recursive,

    /// <summary>-R: the same, following every symbolic link.</summary>
    FollowAll,
}

/// <summary>When grep colours its output (<c>--color</c>).</summary>
internal enum GrepColor
{
    /// <summary>Never (the default).</summary>
    Never,

    /// <summary>When stdout is a terminal and <c>TERM</c> is set and not <c>dumb</c>.</summary>
    Auto,

    /// <summary>Always.</summary>
    Always,
}
