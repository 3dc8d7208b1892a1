namespace Streams.Transports.ZeroMq;

internal sealed partial class ZeroMqDriver : StreamDriver
{
    private readonly ZeroMqAddress _address;

    public ZeroMqDriver(ZeroMqAddress address)
    {
        _address = address;
    }

    public override string Name => _address.Text;

    protected override void Start(DriverContext context) => throw new NotImplementedException();

    protected override void OnWrite(StreamQueue queue, Message message) => throw new NotImplementedException();

    protected override ValueTask StopAsync(bool abort) => default;
}
