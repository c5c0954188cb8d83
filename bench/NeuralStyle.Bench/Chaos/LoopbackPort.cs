using System.Net;
using System.Net.Sockets;

namespace NeuralStyle.Bench.Chaos;

/// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick), for servers the bench and the tests
/// start on loopback only.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
