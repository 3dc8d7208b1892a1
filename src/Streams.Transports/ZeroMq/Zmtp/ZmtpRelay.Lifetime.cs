using System.Net.Sockets;

namespace Streams.Transports.ZeroMq.Zmtp;

// How peers end (drained first, then closed) and how the relay stops (lingering, then closing everything).
internal sealed partial class ZmtpRelay
{
    // The peer has sent all it will: it takes no more messages; its buffered messages are still routed.
    private void End(ZmtpPeer peer)
    {
        if (peer.Ended)
        {
            return;
        }

        peer.Ended = true;
        if (peer.State == ZmtpPeer.Phase.Open)
        {
            // What it sent first (a subscriber's last subscriptions too), then it leaves the routing.
            Process(peer);
            (peer.Role switch { ZmtpRole.Front => _fronts, ZmtpRole.Back => _backs, _ => _captures }).Remove(peer);
            if (_forwarder && peer.Role == ZmtpRole.Back)
            {
                Unsubscribe(peer);
            }
            else if (_queue && peer.Front)
            {
                ForgetIdentity(peer);
            }
        }

        CloseIfDone(peer);
    }

    private void CloseIfDone(ZmtpPeer peer)
    {
        if (peer.Ended && !peer.Blocked && peer.State != ZmtpPeer.Phase.Closed)
        {
            _blocked.Remove(peer);
            peer.Close();
        }
    }

    private void Reject(ZmtpPeer peer)
    {
        Interlocked.Increment(ref _rejected);
        peer.Blocked = false;
        peer.InStart = peer.InEnd;
        End(peer);
        CloseIfDone(peer);
    }

    // Stopping: sends what the peers hold for up to the linger time, taking nothing new.
    private void Linger()
    {
        if (_linger <= TimeSpan.Zero)
        {
            return;
        }

        long deadline = Environment.TickCount64 + (long)Math.Min(_linger.TotalMilliseconds, MaxLinger);
        while (Environment.TickCount64 < deadline)
        {
            int count = 0;
            foreach (ZmtpPeer peer in _peers)
            {
                if (peer.HasOutput && !peer.Ended && peer.State != ZmtpPeer.Phase.Closed)
                {
                    if (_fds.Length <= count)
                    {
                        Array.Resize(ref _fds, count * 2);
                        Array.Resize(ref _polled, count * 2);
                    }

                    _fds[count] = new PollNative.PollFd { Fd = (int)peer.Socket.Handle, Events = PollNative.Out };
                    _polled[count++] = peer;
                }
            }

            if (count == 0)
            {
                return;
            }

            PollNative.Wait(_fds.AsSpan(0, count), (int)Math.Max(1, deadline - Environment.TickCount64));
            for (int i = 0; i < count; i++)
            {
                if (_fds[i].Returned != 0)
                {
                    try
                    {
                        _polled[i]!.Send();
                    }
                    catch (SocketException)
                    {
                        _polled[i]!.Ended = true;
                    }
                }
            }
        }
    }

    private void CloseAll()
    {
        foreach ((Socket socket, _) in _listeners)
        {
            socket.Dispose();
        }

        foreach (ZmtpPeer peer in _peers)
        {
            peer.Close();
        }

        _peers.Clear();
        _closed = true;
        DisposeDialed();
        ReleaseOutboxes();
        lock (_wakeLock)
        {
            PollNative.Close(_wake.Read);
            PollNative.Close(_wake.Write);
            _wake = (-1, -1);
        }
    }
}
