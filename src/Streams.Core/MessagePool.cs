using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Streams;

/// <summary>Rents messages and their payload buffers, and counts what is outstanding so that tests can fail a
/// leak.</summary>
/// <remarks>
/// <para>Payloads come from <see cref="ArrayPool{T}.Shared"/> with <see cref="HeadRoom"/> bytes before and
/// <see cref="TailRoom"/> bytes after them; message objects are recycled, so steady-state traffic allocates
/// nothing.</para>
/// <para>Free messages are kept per thread, in magazines of 32 per free list that are exchanged whole with the
/// pool's shared lists, so that a message rented on one thread and released on another costs no shared queue
/// operation of its own. A thread holds magazines for the last pool it used only; turning to another pool hands
/// them back. What the shared lists keep is bounded (see the constants); the magazines add at most 6 × 32 free
/// messages per thread.</para>
/// <para>Every message remembers its pool and returns to it on <see cref="Message.Release"/>. Use one pool per
/// test (the test harness does) and assert <see cref="Outstanding"/> is zero at the end: that is the leak check.
/// Thread-safe.</para>
/// </remarks>
[DebuggerDisplay("Outstanding = {Outstanding}")]
public sealed class MessagePool
{
    /// <summary>Bytes reserved before each payload for headers (<see cref="Message.TryPrepend"/>).</summary>
    public const int HeadRoom = 32;

    /// <summary>Bytes reserved after each payload for trailers (<see cref="Message.TryAppend"/>).</summary>
    public const int TailRoom = 16;

    private const int MaxCached = 4096;

    // Small payload buffers stay with their message when it returns, one free list per power-of-two size from
    // 256 B to 4 KiB holding at most 1 MiB of buffers each (4096 of 256 B … 256 of 4 KiB). Streams of small
    // messages keep thousands in flight (every queue holds up to its high-water mark of payload), rented on one
    // thread and released on another: ArrayPool's per-core caches (32 arrays each) would drop most of them and
    // the GC would zero and collect every buffer anew. What is kept was in use at a peak, never more.
    private const int MinKeptShift = 8;
    private const int MaxKeptShift = 12;
    private const int MaxKeptBytesPerSize = 1 << 20;
    // Free messages: list 0 without a buffer, lists 1… with a kept buffer of 2^(MinKeptShift + i - 1) bytes. Each
    // thread keeps one magazine per list (ThreadCache), so renting and releasing touch no shared memory; full and
    // empty magazines are exchanged with the list, one atomic operation per MagazineSize messages.
    private const int Lists = 1 + MaxKeptShift - MinKeptShift + 1;
    private const int MagazineSize = 32;
    private readonly FreeList[] _lists = [new(), new(), new(), new(), new(), new()];

    // The counts are striped by processor, so that a thread renting and another releasing do not fight over one
    // cache line; the totals are the sums.
    private readonly Counts[] _counts = new Counts[Math.Min(64, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount))];

    [ThreadStatic]
    private static ThreadCache? t_cache;

    /// <summary>The pool used when none is given.</summary>
    public static MessagePool Shared { get; } = new();

    /// <summary>Messages rented and not yet released.</summary>
    public long Outstanding => Sum(rented: false);

    /// <summary>Messages rented since the pool was made.</summary>
    public long TotalRented => Sum(rented: true);

    /// <summary>Rents a data message with a payload of <paramref name="length"/> bytes to fill.</summary>
    public Message Rent(int length, MessageKind kind = MessageKind.Data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int size = HeadRoom + length + TailRoom;
        Message message;
        int shift = SizeShift(size);
        if (shift <= MaxKeptShift && TryTakeFree(1 + shift - MinKeptShift) is { } kept)
        {
            message = Take(kind, kept);
        }
        else
        {
            message = Take(kind);
            message._buffer = shift <= MaxKeptShift ? ArrayPool<byte>.Shared.Rent(1 << shift) : ArrayPool<byte>.Shared.Rent(size);
        }

        message._offset = HeadRoom;
        message._length = length;
        return message;
    }

    /// <summary>Rents a data message holding a copy of <paramref name="payload"/>.</summary>
    public Message Data(ReadOnlySpan<byte> payload)
    {
        Message message = Rent(payload.Length);
        payload.CopyTo(message.WritableSpan);
        return message;
    }

    /// <summary>Rents a data message holding a copy of <paramref name="payload"/>.</summary>
    public Message Data(in ReadOnlySequence<byte> payload)
    {
        Message message = Rent(checked((int)payload.Length));
        payload.CopyTo(message.WritableSpan);
        return message;
    }

    /// <summary>Rents a data message holding <paramref name="text"/> as UTF-8.</summary>
    public Message Data(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Message message = Rent(System.Text.Encoding.UTF8.GetByteCount(text));
        System.Text.Encoding.UTF8.GetBytes(text, message.WritableSpan);
        return message;
    }

    /// <summary>Rents a protocol message: a copy of <paramref name="payload"/> with control information.</summary>
    public Message Proto(ReadOnlySpan<byte> payload, object? protocol)
    {
        Message message = Rent(payload.Length, MessageKind.Proto);
        payload.CopyTo(message.WritableSpan);
        message.Protocol = protocol;
        return message;
    }

    /// <summary>Rents a control request.</summary>
    public Message Control(string command, object? argument = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        Message message = Take(MessageKind.Control);
        message.Command = command;
        message.Protocol = argument;
        return message;
    }

    /// <summary>Rents a positive answer to <paramref name="request"/> carrying <paramref name="value"/>.</summary>
    public Message Ack(Message request, object? value, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Message message = Take(MessageKind.Ack);
        message.ControlId = request.ControlId;
        message.Command = request.Command;
        message.Protocol = value;
        message.Origin = origin;
        return message;
    }

    /// <summary>Rents a negative answer to <paramref name="request"/>.</summary>
    public Message Nak(Message request, Exception error, string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        Message message = Take(MessageKind.Nak);
        message.ControlId = request.ControlId;
        message.Command = request.Command;
        message.Error = error;
        message.Origin = origin;
        return message;
    }

    /// <summary>Rents a flush of <paramref name="sides"/>.</summary>
    public Message Flush(FlushSides sides)
    {
        Message message = Take(MessageKind.Flush);
        message.FlushSides = sides;
        return message;
    }

    /// <summary>Rents a hangup.</summary>
    public Message Hangup(HangupKind reason = HangupKind.PeerClosed)
    {
        Message message = Take(MessageKind.Hangup);
        message.Hangup = reason;
        return message;
    }

    /// <summary>Rents an error raised by <paramref name="origin"/>.</summary>
    public Message Error(Exception error, string origin)
    {
        Message message = Take(MessageKind.Error);
        message.Error = error;
        message.Origin = origin;
        return message;
    }

    internal void Return(Message message)
    {
        message._live = false;
        byte[]? buffer = message._buffer;
        message.Reset();
        Interlocked.Decrement(ref Stripe().Outstanding);
        if (buffer is not null)
        {
            int shift = SizeShift(buffer.Length);
            if (buffer.Length == 1 << shift && shift <= MaxKeptShift)
            {
                message._buffer = buffer;
                PutFree(1 + shift - MinKeptShift, message);
                return;
            }

            ArrayPool<byte>.Shared.Return(buffer);
        }

        PutFree(0, message);
    }

    // How many messages list i keeps (beyond the threads' magazines).
    private static int Capacity(int list) => list == 0 ? MaxCached : MaxKeptBytesPerSize >> (MinKeptShift + list - 1);

    private Message? TryTakeFree(int list)
    {
        ThreadCache cache = Cache();
        Magazine magazine = cache.Magazines[list];
        if (magazine.Count == 0)
        {
            if (!_lists[list].TryTakeLoaded(out Magazine? loaded))
            {
                return null;
            }

            _lists[list].PutEmpty(magazine);
            cache.Magazines[list] = magazine = loaded;
        }

        Message message = magazine.Items[--magazine.Count]!;
        magazine.Items[magazine.Count] = null;
        return message;
    }

    private void PutFree(int list, Message message)
    {
        ThreadCache cache = Cache();
        Magazine magazine = cache.Magazines[list];
        if (magazine.Count == MagazineSize)
        {
            cache.Magazines[list] = magazine = Unload(list, magazine, Capacity(list));
        }

        magazine.Items[magazine.Count++] = message;
    }

    private static void Drop(Magazine magazine)
    {
        for (int i = 0; i < magazine.Count; i++)
        {
            if (magazine.Items[i]!._buffer is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            magazine.Items[i] = null;
        }

        magazine.Count = 0;
    }

    // This thread's magazines for this pool. A thread that turns to another pool hands the magazines it held for
    // the last one back to it first (their messages stay free there).
    private ThreadCache Cache()
    {
        ThreadCache? cache = t_cache;
        if (cache is not null && cache.Pool == this)
        {
            return cache;
        }

        if (cache is null)
        {
            return t_cache = new ThreadCache(this);
        }

        cache.Pool.GiveBack(cache);
        cache.Pool = this;
        return cache;
    }

    private void GiveBack(ThreadCache cache)
    {
        for (int list = 0; list < Lists; list++)
        {
            Magazine magazine = cache.Magazines[list];
            if (magazine.Count == 0)
            {
                continue;
            }

            cache.Magazines[list] = Unload(list, magazine, Capacity(list) + MagazineSize);
        }
    }

    // Queues a thread's magazine on list i and returns an empty one to go on with; when the list holds all it may
    // (max messages), what the magazine holds goes instead (buffers back to ArrayPool) and it is kept.
    private Magazine Unload(int list, Magazine magazine, int max)
    {
        // The empty one first: once the full one is queued another thread may take it.
        Magazine empty = _lists[list].TakeEmpty();
        if (_lists[list].TryPutLoaded(magazine, max))
        {
            return empty;
        }

        _lists[list].PutEmpty(empty);
        Drop(magazine);
        return magazine;
    }

    // The power of two at or above size, at least 2^MinKeptShift.
    private static int SizeShift(int size) => size <= 1 << MinKeptShift ? MinKeptShift : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)size - 1);

    private Message Take(MessageKind kind, Message? message = null)
    {
        message ??= TryTakeFree(0) ?? new Message { _pool = this };

        message.Kind = kind;
        message._live = true;
        ref Counts counts = ref Stripe();
        Interlocked.Increment(ref counts.Outstanding);
        Interlocked.Increment(ref counts.Rented);
        return message;
    }

    private long Sum(bool rented)
    {
        long sum = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            ref Counts c = ref _counts[i];
            sum += rented ? Interlocked.Read(ref c.Rented) : Interlocked.Read(ref c.Outstanding);
        }

        return sum;
    }

    private ref Counts Stripe() => ref _counts[Thread.GetCurrentProcessorId() & (_counts.Length - 1)];

    // One cache line per stripe.
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct Counts
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public long Outstanding;

        [System.Runtime.InteropServices.FieldOffset(72)]
        public long Rented;
    }

    // Up to MagazineSize free messages, held by one thread or queued in a FreeList.
    private sealed class Magazine
    {
        public readonly Message?[] Items = new Message?[MagazineSize];
        public int Count;
    }

    // A thread's magazines, one per list, for the pool it last used.
    private sealed class ThreadCache
    {
        public ThreadCache(MessagePool pool)
        {
            Pool = pool;
            for (int i = 0; i < Magazines.Length; i++)
            {
                Magazines[i] = new Magazine();
            }
        }

        public MessagePool Pool { get; set; }

        public Magazine[] Magazines { get; } = new Magazine[Lists];
    }

    // Loaded magazines with a count of the messages in them beside (ConcurrentQueue.Count walks the segments),
    // and empty magazines to swap in, kept up to as many as could be loaded.
    private sealed class FreeList
    {
        private readonly ConcurrentQueue<Magazine> _loaded = new();
        private readonly ConcurrentQueue<Magazine> _empty = new();
        private int _count;
        private int _emptyCount;

        public bool TryPutLoaded(Magazine magazine, int max)
        {
            // The limit is approximate: threads releasing at once may pass it by a magazine each.
            if (Volatile.Read(ref _count) + magazine.Count > max)
            {
                return false;
            }

            int count = magazine.Count;
            _loaded.Enqueue(magazine);
            Interlocked.Add(ref _count, count);
            return true;
        }

        public bool TryTakeLoaded([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Magazine? magazine)
        {
            if (_loaded.TryDequeue(out magazine))
            {
                Interlocked.Add(ref _count, -magazine.Count);
                return true;
            }

            return false;
        }

        public Magazine TakeEmpty()
        {
            if (_empty.TryDequeue(out Magazine? magazine))
            {
                Interlocked.Decrement(ref _emptyCount);
                return magazine;
            }

            return new Magazine();
        }

        public void PutEmpty(Magazine magazine)
        {
            if (Volatile.Read(ref _emptyCount) < 256)
            {
                Interlocked.Increment(ref _emptyCount);
                _empty.Enqueue(magazine);
            }
        }
    }
}
