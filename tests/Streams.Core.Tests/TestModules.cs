namespace Streams.Core.Tests;

/// <summary>A module that queues everything on both sides and passes it on from its service procedures, so that
/// push/pop tests have messages sitting in module queues.</summary>
internal sealed class QueueingModule(string name) : StreamModule(name)
{
    protected internal override bool HasWriteService => true;

    protected internal override bool HasReadService => true;

    protected internal override void OnWrite(StreamQueue queue, Message message)
    {
        queue.Enqueue(message);
        queue.EnableService();
    }

    protected internal override void OnRead(StreamQueue queue, Message message)
    {
        queue.Enqueue(message);
        queue.EnableService();
    }
}

/// <summary>A pass-through module with a name.</summary>
internal sealed class PassModule(string name) : StreamModule(name);

/// <summary>Answers the control <c>echo</c> with its argument.</summary>
internal sealed class EchoControlModule() : StreamModule("echoctl")
{
    protected internal override void OnWrite(StreamQueue queue, Message message)
    {
        if (message.Kind == MessageKind.Control && message.Command == "echo")
        {
            queue.Reply(queue.Pool.Ack(message, message.Protocol, Name));
            message.Release();
            return;
        }

        queue.PutNext(message);
    }
}

/// <summary>Throws on the first data message in the chosen direction.</summary>
internal sealed class FaultyModule(QueueSide side) : StreamModule("faulty")
{
    protected internal override void OnWrite(StreamQueue queue, Message message)
    {
        if (side == QueueSide.Write && message.Kind == MessageKind.Data)
        {
            message.Release();
            throw new InvalidDataException("bad byte at offset 7");
        }

        queue.PutNext(message);
    }

    protected internal override void OnRead(StreamQueue queue, Message message)
    {
        if (side == QueueSide.Read && message.Kind == MessageKind.Data)
        {
            message.Release();
            throw new InvalidDataException("bad byte at offset 7");
        }

        queue.PutNext(message);
    }
}
