using System.Buffers;

namespace Streams.Modules.Text.Regex;

/// <summary>Runs a <see cref="PikeProgram"/>: the leftmost-longest match, in time linear in the text.</summary>
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
    private readonly SearchValues<char>? _first;

    /// <summary>Creates a runner for <paramref name="program"/>.</summary>
    public PikeRunner(PikeProgram program)
    {
        _ops = [.. program.Ops];
        _slots = 2 * (program.GroupCount + 1);
        _current = new ThreadList(_ops.Length, _slots);
        _next = new ThreadList(_ops.Length, _slots);
        _work = new int[_slots];
        _best = new int[_slots];
        _first = FirstChars(_ops);
    }

    /// <summary>Finds the leftmost-longest match of the program that starts at or after <paramref name="startAt"/>
    /// in <paramref name="text"/> (assertions see the whole text) and writes its submatches to
    /// <paramref name="captures"/> (pairs of start and end, -1 when a group did not take part).</summary>
    /// <param name="text">The whole line or pattern space.</param>
    /// <param name="startAt">Where the search starts.</param>
    /// <param name="captures">Receives the submatches; may be empty when only the answer matters.</param>
    /// <param name="any">Stop at the first match found (its bounds need not be leftmost-longest): line selection.</param>
    /// <remarks>
    /// One pass over the text, O(text × program) whatever the pattern: a thread starts at each position until a
    /// match is found, and a thread keeps its start in slot 0. The thread list stays ordered by start (a new
    /// thread comes last, and each step keeps the order of the one before), so when two threads reach the same
    /// instruction the one that started first keeps it, which loses nothing: the rest of their runs would be the
    /// same. Once a match is found, threads that started after it can only find worse ones and are dropped;
    /// those that started before it run on, since one of them may still match (<c>abcd|c</c> on <c>abcd</c>).
    /// Among the threads of one start the order is that of a run anchored there, so submatches are chosen as
    /// before: the first thread (in priority order) to accept at the longest end.
    /// </remarks>
    public bool Search(ReadOnlySpan<char> text, int startAt, Span<int> captures, bool any = false)
    {
        ThreadList current = _current;
        ThreadList next = _next;
        current.Clear();
        int bestStart = -1;
        int bestEnd = -1;
        for (int pos = startAt; pos <= text.Length; pos++)
        {
            if (bestStart < 0)
            {
                if (current.Count == 0 && _first is not null)
                {
                    // No thread alive: a match can only start at a char that some first instruction accepts.
                    int skip = text[pos..].IndexOfAny(_first);
                    if (skip < 0)
                    {
                        break;
                    }

                    if (skip > 0)
                    {
                        pos += skip;
                        current.Clear();
                    }
                }

                _work.AsSpan().Fill(-1);
                _work[0] = pos;
                AddThread(current, 0, pos, text);
            }

            if (current.Count == 0)
            {
                if (bestStart >= 0)
                {
                    break;
                }

                // Nothing started here: forget the instructions visited, for the thread of the next position.
                current.Clear();
                continue;
            }

            next.Clear();
            for (int t = 0; t < current.Count; t++)
            {
                int pc = current.Pcs[t];
                int start = current.Captures[t * _slots];
                if (bestStart >= 0 && start > bestStart)
                {
                    continue;
                }

                ref readonly PikeProgram.Op op = ref _ops[pc];
                if (op.Kind == PikeProgram.OpKind.Match)
                {
                    if (bestStart < 0 || start < bestStart || pos > bestEnd)
                    {
                        bestStart = start;
                        bestEnd = pos;
                        current.Captures.AsSpan(t * _slots, _slots).CopyTo(_best);
                        if (any)
                        {
                            break;
                        }
                    }
                }
                else if (pos < text.Length && op.Set!.Contains(text[pos]))
                {
                    current.Captures.AsSpan(t * _slots, _slots).CopyTo(_work);
                    AddThread(next, pc + 1, pos + 1, text);
                }
            }

            if (any && bestStart >= 0)
            {
                break;
            }

            (current, next) = (next, current);
        }

        if (bestStart < 0)
        {
            return false;
        }

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

    /// <summary>The chars a match can start with, or null when a match can be empty (or start with any char).</summary>
    /// <remarks>Assertions are taken to hold: the set may be too big, never too small.</remarks>
    private static SearchValues<char>? FirstChars(PikeProgram.Op[] ops)
    {
        var first = new ByteSet();
        var seen = new bool[ops.Length];
        var stack = new Stack<int>();
        stack.Push(0);
        while (stack.Count > 0)
        {
            int pc = stack.Pop();
            if (seen[pc])
            {
                continue;
            }

            seen[pc] = true;
            PikeProgram.Op op = ops[pc];
            switch (op.Kind)
            {
                case PikeProgram.OpKind.Match:
                    return null;
                case PikeProgram.OpKind.Set:
                    first.UnionWith(op.Set!);
                    break;
                case PikeProgram.OpKind.Jump:
                    stack.Push(op.X);
                    break;
                case PikeProgram.OpKind.Split:
                    stack.Push(op.Y);
                    stack.Push(op.X);
                    break;
                default:
                    stack.Push(pc + 1);
                    break;
            }
        }

        if (first.Count == 256)
        {
            return null;
        }

        var chars = new List<char>();
        for (int c = 0; c < 256; c++)
        {
            if (first.Contains(c))
            {
                chars.Add((char)c);
            }
        }

        return SearchValues.Create(chars.ToArray());
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
