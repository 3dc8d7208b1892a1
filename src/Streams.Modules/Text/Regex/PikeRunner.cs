namespace Streams.Modules.Text.Regex;

/// <summary>Runs a <see cref="PikeProgram"/>: the longest match anchored at a start position.</summary>
/// <remarks>Reuses its thread lists between runs; not thread-safe.</remarks>
internal sealed class PikeRunner
{
    private readonly PikeProgram.Op[] _ops;
    private readonly int _slots;
    private readonly ThreadList _current;
    private readonly ThreadList _next;
    private readonly int[] _work;
    private readonly int[] _best;
    private readonly List<(int Job, int Value)> _stack = [];

    /// <summary>Creates a runner for <paramref name="program"/>.</summary>
    public PikeRunner(PikeProgram program)
    {
        _ops = [.. program.Ops];
        _slots = 2 * (program.GroupCount + 1);
        _current = new ThreadList(_ops.Length, _slots);
        _next = new ThreadList(_ops.Length, _slots);
        _work = new int[_slots];
        _best = new int[_slots];
    }

    /// <summary>Finds the longest match of the program that starts at <paramref name="start"/> in
    /// <paramref name="text"/> (assertions see the whole text) and writes its submatches to
    /// <paramref name="captures"/> (pairs of start and end, -1 when a group did not take part).</summary>
    public bool Run(ReadOnlySpan<char> text, int start, Span<int> captures)
    {
        ThreadList current = _current;
        ThreadList next = _next;
        current.Clear();
        _work.AsSpan().Fill(-1);
        int bestEnd = -1;
        AddThread(current, 0, start, text);
        for (int pos = start; current.Count > 0; pos++)
        {
            next.Clear();
            for (int t = 0; t < current.Count; t++)
            {
                int pc = current.Pcs[t];
                ref readonly PikeProgram.Op op = ref _ops[pc];
                if (op.Kind == PikeProgram.OpKind.Match)
                {
                    if (pos > bestEnd)
                    {
                        bestEnd = pos;
                        current.Captures.AsSpan(t * _slots, _slots).CopyTo(_best);
                    }
                }
                else if (pos < text.Length && op.Set!.Contains(text[pos]))
                {
                    current.Captures.AsSpan(t * _slots, _slots).CopyTo(_work);
                    AddThread(next, pc + 1, pos + 1, text);
                }
            }

            (current, next) = (next, current);
            if (pos >= text.Length)
            {
                // Threads in the list now could only be at Match (handled in the next round) — one more round.
                if (current.Count == 0)
                {
                    break;
                }
            }
        }

        if (bestEnd < 0)
        {
            return false;
        }

        _best[0] = start;
        _best[1] = bestEnd;
        _best.AsSpan(0, Math.Min(_slots, captures.Length)).CopyTo(captures);
        return true;
    }

    /// <summary>Follows the empty transitions from <paramref name="pc"/> and adds every thread that waits on a
    /// char (or accepts) to <paramref name="list"/>, in priority order.</summary>
    /// <remarks>An explicit stack rather than recursion: an expanded <c>a?{30000}</c> is a chain that long. A
    /// job with a negative pc restores capture slot <c>~pc</c> to <c>value</c> (undoing a Save on the way back).</remarks>
    private void AddThread(ThreadList list, int pc, int pos, ReadOnlySpan<char> text)
    {
        _stack.Clear();
        _stack.Add((pc, 0));
        while (_stack.Count > 0)
        {
            (int job, int value) = _stack[^1];
            _stack.RemoveAt(_stack.Count - 1);
            if (job < 0)
            {
                _work[~job] = value;
                continue;
            }

            pc = job;
            while (list.Mark(pc))
            {
                ref readonly PikeProgram.Op op = ref _ops[pc];
                if (op.Kind == PikeProgram.OpKind.Jump)
                {
                    pc = op.X;
                }
                else if (op.Kind == PikeProgram.OpKind.Split)
                {
                    _stack.Add((op.Y, 0));
                    pc = op.X;
                }
                else if (op.Kind == PikeProgram.OpKind.Save)
                {
                    _stack.Add((~op.X, _work[op.X]));
                    _work[op.X] = pos;
                    pc++;
                }
                else if (op.Kind == PikeProgram.OpKind.Assert)
                {
                    if (!Holds(op.Assert, text, pos))
                    {
                        break;
                    }

                    pc++;
                }
                else
                {
                    list.Add(pc, _work);
                    break;
                }
            }
        }
    }

    private static bool Holds(AssertKind kind, ReadOnlySpan<char> text, int pos)
    {
        bool before = pos > 0 && ByteSet.IsWord(text[pos - 1]);
        bool after = pos < text.Length && ByteSet.IsWord(text[pos]);
        return kind switch
        {
            AssertKind.Start => pos == 0,
            AssertKind.End => pos == text.Length,
            AssertKind.WordBoundary => before != after,
            AssertKind.NotWordBoundary => before == after,
            AssertKind.WordStart => !before && after,
            AssertKind.WordEnd => before && !after,
            AssertKind.NoWordBefore => !before,
            AssertKind.NoWordAfter => !after,
            _ => false,
        };
    }

    private sealed class ThreadList(int size, int slots)
    {
        private readonly int[] _marks = new int[size];
        private int _generation = 1;

        public readonly int[] Pcs = new int[size];
        public readonly int[] Captures = new int[size * slots];
        public int Count;

        public void Clear()
        {
            Count = 0;
            if (++_generation == int.MaxValue)
            {
                Array.Clear(_marks);
                _generation = 1;
            }
        }

        /// <summary>Marks <paramref name="pc"/> as visited at this step; false when it already was.</summary>
        public bool Mark(int pc)
        {
            if (_marks[pc] == _generation)
            {
                return false;
            }

            _marks[pc] = _generation;
            return true;
        }

        public void Add(int pc, int[] captures)
        {
            Pcs[Count] = pc;
            captures.AsSpan().CopyTo(Captures.AsSpan(Count * slots, slots));
            Count++;
        }
    }
}
