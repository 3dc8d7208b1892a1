namespace Streams;

/// <summary>Cross-connected streams (a STREAMS pipe): two heads joined with no driver, so what is written at
/// one head is read at the other. Modules can be pushed on either end. The in-memory transport and the shell's
/// pipe.</summary>
/// <remarks>
/// Both ends share one serial context, so a message crosses from one end's write side to the other end's read
/// side in one call chain, and flow control spans the pipe exactly: a reader that stops at one end stops writers
/// at the other. A write flush at one end becomes a read flush at the other; a completed write side at one end
/// is the end of the stream (a hangup) at the other.
/// </remarks>
public static class StreamPipe
{
    /// <summary>Creates a pipe and returns its two ends.</summary>
    public static (StreamHead First, StreamHead Second) Create(StreamOptions? first = null, StreamOptions? second = null)
    {
        var a = new CrossDriver("pipe");
        var b = new CrossDriver("pipe");
        StreamHead headA = StreamHead.OpenShared(a, first ?? StreamOptions.Default, null);
        StreamHead headB = StreamHead.OpenShared(b, second ?? first ?? StreamOptions.Default, headA);
        a.Peer = b;
        b.Peer = a;
        a.Start(headA.DriverContext);
        b.Start(headB.DriverContext);
        return (headA, headB);
    }

    /// <summary>The driver of one end: what reaches its bottom goes up the other end.</summary>
    private sealed class CrossDriver(string name) : StreamDriver
    {
        private DriverContext? _context;

        public override string Name { get; } = name;

        public CrossDriver Peer { get; set; } = null!;

        private StreamHead Head => _context!.Stream;

        protected internal override void Start(DriverContext context) => _context = context;

        protected internal override void OnWrite(StreamQueue queue, Message message)
        {
            switch (message.Kind)
            {
                case MessageKind.Flush:
                    FlushSides sides = message.FlushSides;
                    if ((sides & FlushSides.Write) != 0)
                    {
                        queue.Flush();
                    }

                    // Our write side is the peer's read side: a flush crosses with its sides swapped.
                    message.FlushSides = ((sides & FlushSides.Write) != 0 ? FlushSides.Read : 0) | ((sides & FlushSides.Read) != 0 ? FlushSides.Write : 0);
                    if ((message.FlushSides & FlushSides.Read) != 0)
                    {
                        Peer.Head.DriverReadQueue.PutNext(message);
                    }
                    else
                    {
                        message.Release();
                    }

                    return;
                case MessageKind.Control:
                    HandleDefault(queue, message);
                    return;
                case MessageKind.Data or MessageKind.Proto or MessageKind.Hangup:
                    if (queue.Count == 0 && (!message.IsFlowControlled || Peer.Head.DriverReadQueue.CanPutNext()))
                    {
                        Cross(message);
                    }
                    else
                    {
                        queue.Enqueue(message);
                    }

                    return;
                default:
                    message.Release();
                    return;
            }
        }

        // The peer's read side has room again: move what waits on our write queue across.
        protected internal override void OnReadEnabled(StreamQueue queue) => Peer.Drain();

        protected internal override ValueTask StopAsync(bool abort)
        {
            // The other end sees the end of the stream unless our writer already said so.
            StreamHead peer = Peer.Head;
            if (!Head.WritesCompleted.IsCompleted || abort)
            {
                peer.DriverContext.PutUp(peer.Pool.Hangup(abort ? HangupKind.Aborted : HangupKind.PeerClosed));
            }

            return default;
        }

        private void Drain()
        {
            StreamQueue queue = Head.DriverWriteQueue;
            StreamQueue peerRead = Peer.Head.DriverReadQueue;
            while (queue.TryPeek(out Message? m))
            {
                if (m.IsFlowControlled && !peerRead.CanPutNext())
                {
                    return;
                }

                queue.TryDequeue(out m);
                Cross(m);
            }
        }

        private void Cross(Message message)
        {
            bool hangup = message.Kind == MessageKind.Hangup;
            if (hangup && message.Hangup == HangupKind.LocalClose)
            {
                // Our writer finished: for the other end, the peer closed.
                message.Hangup = HangupKind.PeerClosed;
            }

            Peer.Head.DriverReadQueue.PutNext(message);
            if (hangup)
            {
                _context!.WritesCompleted();
            }
        }
    }
}
