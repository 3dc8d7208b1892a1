using System.Net.Security;

namespace Streams.Modules.Tls;

/// <summary>TLS over the modules below it: a client or server <see cref="SslStream"/> whose encrypted bytes travel
/// as data messages, so the head reads and writes plain bytes while the driver carries TLS records.</summary>
/// <remarks>
/// <para><b>Bytes.</b> TLS is a byte stream: message boundaries are not kept across it (push a framer above
/// <c>tls</c> to keep them), and <see cref="MessageKind.Proto"/> information is not carried. Plaintext written in
/// small messages is coalesced into records of up to 16 KiB.</para>
/// <code>
/// down, before: "GET / HTTP/1.1\r\n…" (plaintext, any messages)
///        after:  16 03 01 … (ClientHello) … 17 03 03 00 2a … (application_data records, encrypted)
/// up,   before:  17 03 03 … (records in any chunking: split, merged, one byte at a time)
///        after:  "HTTP/1.1 200 OK\r\n…" (plaintext, one data message per record decrypted)
/// </code>
/// <para><b>Handshake.</b> It starts when the module is pushed (so <c>tls</c> can be pushed onto a connection
/// that already carried plain bytes, as STARTTLS does) and must complete within
/// <see cref="TlsOptions.HandshakeTimeout"/>. Until it completes, data written at the head waits in the module's
/// write queue — counted by flow control, so writers are held back once it is full — and goes down encrypted
/// afterwards. A failed handshake (bad certificate, wrong name, missing client certificate, no common protocol, the
/// peer hung up, the timeout) fails the stream with a <see cref="StreamException"/> from <c>tls</c> whose message
/// begins <c>tls: handshake failed:</c> and says why.</para>
/// <para><b>Ends.</b> A hangup going down (the head completed its writes) sends a TLS close_notify after the
/// data before it, then passes the hangup down. Coming up, a close_notify from the peer, or the transport's hangup
/// once every record before it is decrypted, becomes one hangup to the head; a transport hangup keeps its reason.
/// Bytes that arrive after the peer's close_notify are dropped.</para>
/// <para><b>Control.</b> <c>tls.info</c> is answered with a <see cref="TlsInfo"/> (version, cipher suite, ALPN
/// protocol, server name, peer certificate) once the handshake has completed: asked earlier, the answer waits for
/// it. Other controls pass down.</para>
/// <para><b>Flush.</b> A flush never reaches the modules and driver below, whose queues hold TLS records that
/// cannot be cut: the module turns it around itself. A write flush discards plaintext not yet encrypted; a read
/// flush discards decrypted data not yet read at the head. Do not push a module that flushes on its own below
/// <c>tls</c>.</para>
/// <para><b>Threading.</b> The TLS engine runs on thread-pool threads; every message it produces or consumes
/// goes through the stream's serial context (<see cref="StreamQueue.Invoke"/>), so no queue is touched from
/// another thread. Memory is bounded by the water marks: encrypted bytes coming up wait in the module's read queue
/// (a full queue stops the driver), decrypted bytes go up only while the head has room, and encrypted bytes go down
/// only while the queues below have room.</para>
/// <para><b>Leaving.</b> When the module is popped, plaintext not yet encrypted and encrypted bytes not yet
/// decrypted are discarded, never passed on in the clear; a pending hangup is passed on. A module instance serves
/// one stream once: make a new one for each connection.</para>
/// </remarks>
public sealed partial class TlsModule : StreamModule
{
    /// <summary>The control answered with a <see cref="TlsInfo"/> once the handshake has completed.</summary>
    public const string InfoCommand = "tls.info";

    private readonly TlsCredentials _credentials;
    private List<Message>? _infoRequests;
    private TlsInfo? _info;
    private bool _writeClosed;

    /// <summary>Creates the module and loads its certificate files.</summary>
    /// <exception cref="ArgumentException">The options do not fit together, or a certificate, key or CA file cannot
    /// be read; the message names the option.</exception>
    public TlsModule(TlsOptions options)
        : base("tls")
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _credentials = TlsCredentials.Load(options);
    }

    /// <summary>The options.</summary>
    public TlsOptions Options { get; }

    /// <inheritdoc />
    protected override bool HasWriteService => true;

    /// <inheritdoc />
    protected override bool HasReadService => true;

    /// <inheritdoc />
    protected override void OnPushed(StreamQueue write, StreamQueue read)
    {
        if (_ssl is not null)
        {
            write.Fail(new StreamException(Name, "a TLS module serves one stream once: make a new one"));
            return;
        }

        _write = write;
        _read = read;
        StartHandshake(write);
    }

    /// <inheritdoc />
    protected override void OnWrite(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto or MessageKind.Hangup:
                if (_writeClosed)
                {
                    // The writer already finished: nothing may follow the close_notify.
                    message.Release();
                    return;
                }

                queue.Enqueue(message);
                Pump(queue);
                return;
            case MessageKind.Control when message.Command == InfoCommand:
                if (_info is not null)
                {
                    queue.Reply(queue.Pool.Ack(message, _info, Name));
                    message.Release();
                }
                else
                {
                    (_infoRequests ??= []).Add(message);
                }

                return;
            case MessageKind.Flush:
                // The queues below hold records that cannot be cut: turn the flush around here, as a driver would.
                if ((message.FlushSides & FlushSides.Write) != 0)
                {
                    _writePartial?.Release();
                    _writePartial = null;
                }

                if ((message.FlushSides & FlushSides.Read) != 0)
                {
                    message.FlushSides = FlushSides.Read;
                    queue.Reply(message);
                }
                else
                {
                    message.Release();
                }

                return;
            default:
                queue.PutNext(message);
                return;
        }
    }

    /// <inheritdoc />
    protected override void OnRead(StreamQueue queue, Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Data or MessageKind.Proto:
                if (_readDone || _stopped || message.Length == 0)
                {
                    message.Release();
                    return;
                }

                // Encrypted bytes wait here, counted by flow control, until the engine reads them.
                queue.Enqueue(message);
                ServeReader(queue);
                return;
            case MessageKind.Hangup:
                if (_readDone)
                {
                    message.Release();
                    return;
                }

                if (_ssl is null)
                {
                    queue.PutNext(message);
                    return;
                }

                if (_hangupUp is null)
                {
                    _hangupUp = message;
                }
                else
                {
                    message.Release();
                }

                _eof = true;
                ServeReader(queue);
                return;
            default:
                queue.PutNext(message);
                return;
        }
    }

    /// <inheritdoc />
    protected override void OnWriteService(StreamQueue queue)
    {
        // The queues below have room again: let the engine's waiting writes go on, then encrypt more.
        while (_cipherWaiters.Count > 0 && queue.CanPutNext())
        {
            _cipherWaiters.Dequeue().TrySetResult();
        }

        Pump(queue);
    }

    /// <inheritdoc />
    protected override void OnReadService(StreamQueue queue)
    {
        // The head has room again: let the receive loop decrypt more.
        ResumeUp(queue);
    }

    /// <inheritdoc />
    protected override void OnPopped(StreamQueue write, StreamQueue read)
    {
        Stop();
        if (_infoRequests is { } requests)
        {
            _infoRequests = null;
            foreach (Message request in requests)
            {
                write.Reply(write.Pool.Nak(request, new InvalidOperationException("the TLS module left the stream before its handshake completed"), Name));
                request.Release();
            }
        }

        // Never hand plaintext on unencrypted, nor records on undecrypted: only the hangups go on.
        var hangups = new List<Message>();
        while (write.TryDequeue(out Message? m))
        {
            if (m.Kind == MessageKind.Hangup)
            {
                hangups.Add(m);
            }
            else
            {
                m.Release();
            }
        }

        if (_hangupDown is { } down)
        {
            _hangupDown = null;
            hangups.Insert(0, down);
        }

        foreach (Message h in hangups)
        {
            write.Enqueue(h);
        }

        read.Flush();
        if (_hangupUp is { } up)
        {
            _hangupUp = null;
            read.Enqueue(up);
        }
    }

    private void OnHandshakeDone(StreamQueue write, TlsInfo? info, Exception? error)
    {
        if (_stopped)
        {
            return;
        }

        if (error is not null || info is null)
        {
            if (_infoRequests is { } pending)
            {
                // The stream fails below: the head fails the pending controls itself.
                _infoRequests = null;
                foreach (Message request in pending)
                {
                    request.Release();
                }
            }

            write.Fail(new StreamException(Name, "handshake failed: " + Reason(error!, _eof) + (_rejection is null ? Where() : ""), error));
            return;
        }

        _info = info;
        _ready = true;
        if (_infoRequests is { } requests)
        {
            _infoRequests = null;
            foreach (Message request in requests)
            {
                write.Reply(write.Pool.Ack(request, info, Name));
                request.Release();
            }
        }

        StartReceiving();
        Pump(write);
    }
}
