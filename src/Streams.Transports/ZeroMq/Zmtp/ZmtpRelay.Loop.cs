using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Streams.Transports.ZeroMq.Zmtp;

// The relay's thread: one poll(2) a turn over the wake pipe, the listeners and the peers; reads, routes, sends.
internal sealed partial class ZmtpRelay
{
    private void Run()
    {
        Exception? error = null;
        try
        {
            Loop();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = ex;
        }
        finally
        {
            CloseAll();
        }

        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        StartDialing();
        while (!_stopping)
        {
            bool paused = _paused;
            if (paused != _pausedHere)
            {
                _pausedHere = paused;
                if (!paused)
                {
                    RouteEverything();
                    Flush();
                }
            }

            int count = FillPollSet(out int timeout);
            PollNative.Wait(_fds.AsSpan(0, count), timeout);
            if (_fds[0].Returned != 0)
            {
                PollNative.Drain(_wake.Read);
            }

            TakeDialed();
            for (int i = 1; i <= _listeners.Count; i++)
            {
                if (_fds[i].Returned != 0)
                {
                    Accept(_listeners[i - 1].Socket, _listeners[i - 1].Role);
                }
            }

            for (int i = 1 + _listeners.Count; i < count; i++)
            {
                short returned = _fds[i].Returned;
                ZmtpPeer peer = _polled[i]!;
                _polled[i] = null;
                if (returned != 0 && peer.State != ZmtpPeer.Phase.Closed)
                {
                    Serve(peer, returned);
                }
            }

            DrainOutboxes();
            Flush();
            EndLateHandshakes();
            _peers.RemoveAll(p => p.State == ZmtpPeer.Phase.Closed);
            Redial();
        }

        foreach ((Socket socket, _) in _listeners)
        {
            socket.Dispose();
        }

        _listeners.Clear();
        Linger();
    }

    // A peer that has not finished its handshake in HandshakeTimeout is dropped (libzmq's ZMQ_HANDSHAKE_IVL).
    private void EndLateHandshakes()
    {
        long now = Environment.TickCount64;
        foreach (ZmtpPeer peer in _peers)
        {
            if (peer.State is ZmtpPeer.Phase.Greeting or ZmtpPeer.Phase.Ready && now - peer.Since >= HandshakeTimeout)
            {
                Reject(peer);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    // The descriptors to wait on, and how long to wait (for the earliest handshake deadline or a paused accept).
    private int FillPollSet(out int timeout)
    {
        long now = Environment.TickCount64;
        long deadline = long.MaxValue;
        bool accepting = now >= _acceptAgainAt;
        if (!accepting)
        {
            deadline = _acceptAgainAt;
        }

        int count = 1 + _listeners.Count + _peers.Count;
        if (_fds.Length < count)
        {
            _fds = new PollNative.PollFd[count * 2];
            _polled = new ZmtpPeer?[count * 2];
        }

        _fds[0] = new PollNative.PollFd { Fd = _wake.Read, Events = PollNative.In };
        int i = 1;
        foreach ((Socket socket, _) in _listeners)
        {
            _fds[i++] = new PollNative.PollFd { Fd = accepting ? (int)socket.Handle : -1, Events = PollNative.In };
        }

        foreach (ZmtpPeer peer in _peers)
        {
            short events = (short)((WantsToRead(peer) ? PollNative.In : 0) | (peer.HasOutput && !peer.Ended ? PollNative.Out : 0));
            _fds[i] = new PollNative.PollFd { Fd = events == 0 ? -1 : (int)peer.Socket.Handle, Events = events };
            _polled[i++] = peer;
            if (peer.State is ZmtpPeer.Phase.Greeting or ZmtpPeer.Phase.Ready)
            {
                deadline = Math.Min(deadline, peer.Since + HandshakeTimeout);
            }
        }

        timeout = deadline == long.MaxValue ? -1 : (int)Math.Clamp(deadline - now + 1, 0, int.MaxValue);
        return count;
    }

    private bool WantsToRead(ZmtpPeer peer) =>
        !peer.Ended && (peer.State != ZmtpPeer.Phase.Open || (!_pausedHere && !peer.Blocked));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Serve(ZmtpPeer peer, short returned)
    {
        if ((returned & PollNative.Out) != 0)
        {
            Send(peer);
        }

        if ((returned & (PollNative.In | PollNative.Error | PollNative.HangUp)) == 0 || peer.State == ZmtpPeer.Phase.Closed)
        {
            return;
        }

        if (!WantsToRead(peer))
        {
            // Paused or blocked since the poll: read it later. An error or hang-up means it is gone; what it sent
            // is still routed.
            if ((returned & (PollNative.Error | PollNative.HangUp)) != 0)
            {
                End(peer);
            }

            return;
        }

        int n;
        try
        {
            n = peer.Read();
        }
        catch (SocketException)
        {
            n = 0;
        }
        catch (InvalidDataException)
        {
            Reject(peer);
            return;
        }

        if (n == 0)
        {
            End(peer);
        }
        else if (n > 0)
        {
            Process(peer);
        }
    }

    private void Send(ZmtpPeer peer)
    {
        bool freed;
        try
        {
            freed = peer.Send();
        }
        catch (SocketException)
        {
            End(peer);
            return;
        }

        if (freed && _blocked.Count != 0 && !_pausedHere)
        {
            Unblock();
        }
    }

    // Sends the output of every peer that has new output, and routes what that frees, a few rounds at most.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Flush()
    {
        Publish();
        for (int round = 0; round < MaxFlushRounds; round++)
        {
            bool any = false;
            for (int i = 0; i < _peers.Count; i++)
            {
                ZmtpPeer peer = _peers[i];
                if (peer.Dirty && peer.State != ZmtpPeer.Phase.Closed)
                {
                    any = true;
                    Send(peer);
                    if (peer.Overflowing)
                    {
                        Reject(peer); // it asks (PINGs, subscriptions) and does not read the answers
                    }
                }
            }

            if (!any)
            {
                return;
            }

            Publish();
        }
    }
}
