namespace Streams.Modules.Text.Regex;

/// <summary>A Thompson-NFA program for a <see cref="PosixNode"/> tree, run Pike-VM style
/// (<see cref="PikeRunner"/>) to find the leftmost-longest match, as POSIX defines it.</summary>
/// <remarks>
/// <para>Why: .NET's backtracking engine returns the first match in priority order (<c>a|ab</c> matches <c>a</c>
/// in <c>ab</c>), while GNU returns the longest one. All threads of the NFA advance together over the text, so
/// the run costs O(text × program) whatever the pattern (a backtracking engine takes exponential time on
/// <c>(a*)*b</c>) and records the last position where any thread accepts; among threads that accept at that
/// position, the one of highest (Perl-like) priority gives the submatches.</para>
/// <para>Back-references cannot be expressed in an NFA: for those patterns <see cref="TryCompile"/> returns null
/// and the caller keeps .NET's match.</para>
/// <para>An instance is immutable and may be shared; each run uses a <see cref="PikeRunner"/> of its own.</para>
/// </remarks>
internal sealed class PikeProgram
{
    private const int MaxInstructions = 100_000;

    internal readonly List<Op> Ops = [];

    private PikeProgram(int groupCount)
    {
        GroupCount = groupCount;
    }

    /// <summary>The number of capturing groups (slots 2..2n+1 of a capture array; 0 and 1 are the whole match).</summary>
    public int GroupCount { get; }

    internal enum OpKind : byte
    {
        Set,
        Split,
        Jump,
        Save,
        Assert,
        Match,
    }

    internal struct Op
    {
        public OpKind Kind;
        public int X;
        public int Y;
        public ByteSet? Set;
        public AssertKind Assert;
    }

    /// <summary>Compiles <paramref name="root"/>, or returns null when it has back-references or would be too big.</summary>
    public static PikeProgram? TryCompile(PosixNode root, int groupCount)
    {
        var program = new PikeProgram(groupCount);
        if (!program.Emit(root))
        {
            return null;
        }

        program.Ops.Add(new Op { Kind = OpKind.Match });
        return program.Ops.Count > MaxInstructions ? null : program;
    }

    private int Add(Op op)
    {
        Ops.Add(op);
        return Ops.Count - 1;
    }

    private void Patch(int at, int x, int y)
    {
        Op op = Ops[at];
        op.X = x;
        op.Y = y;
        Ops[at] = op;
    }

    private bool Emit(PosixNode node)
    {
        if (Ops.Count > MaxInstructions)
        {
            return false;
        }

        switch (node)
        {
            case SetNode set:
                Add(new Op { Kind = OpKind.Set, Set = set.Set });
                return true;
            case ConcatNode concat:
                foreach (PosixNode item in concat.Items)
                {
                    if (!Emit(item))
                    {
                        return false;
                    }
                }

                return true;
            case AlternationNode alt:
                var jumps = new List<int>();
                for (int i = 0; i < alt.Branches.Count; i++)
                {
                    if (i < alt.Branches.Count - 1)
                    {
                        int split = Add(new Op { Kind = OpKind.Split });
                        if (!Emit(alt.Branches[i]))
                        {
                            return false;
                        }

                        jumps.Add(Add(new Op { Kind = OpKind.Jump }));
                        Patch(split, split + 1, Ops.Count);
                    }
                    else if (!Emit(alt.Branches[i]))
                    {
                        return false;
                    }
                }

                foreach (int jump in jumps)
                {
                    Patch(jump, Ops.Count, 0);
                }

                return true;
            case GroupNode group:
                Add(new Op { Kind = OpKind.Save, X = 2 * group.Index });
                if (!Emit(group.Body))
                {
                    return false;
                }

                Add(new Op { Kind = OpKind.Save, X = (2 * group.Index) + 1 });
                return true;
            case RepeatNode repeat:
                return EmitRepeat(repeat);
            case AssertNode assert:
                Add(new Op { Kind = OpKind.Assert, Assert = assert.Kind });
                return true;
            default:
                return false;
        }
    }

    private bool EmitRepeat(RepeatNode repeat)
    {
        for (int i = 0; i < repeat.Min; i++)
        {
            if (!Emit(repeat.Body))
            {
                return false;
            }
        }

        if (repeat.Max < 0)
        {
            int split = Add(new Op { Kind = OpKind.Split });
            if (!Emit(repeat.Body))
            {
                return false;
            }

            Add(new Op { Kind = OpKind.Jump, X = split });
            Patch(split, split + 1, Ops.Count);
            return true;
        }

        var splits = new List<int>();
        for (int i = repeat.Min; i < repeat.Max; i++)
        {
            splits.Add(Add(new Op { Kind = OpKind.Split }));
            if (!Emit(repeat.Body))
            {
                return false;
            }
        }

        foreach (int split in splits)
        {
            Patch(split, split + 1, Ops.Count);
        }

        return true;
    }
}
