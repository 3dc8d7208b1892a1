using Streams.Modules.Compression;

namespace Streams.Modules.Tests.Compression;

public sealed class GzipModuleContractTests : ModuleContractTests<GzipModule>
{
    protected override GzipModule Create() => new();
}

public sealed class ZlibModuleContractTests : ModuleContractTests<ZlibModule>
{
    protected override ZlibModule Create() => new();
}

public sealed class DeflateModuleContractTests : ModuleContractTests<DeflateModule>
{
    protected override DeflateModule Create() => new();
}

public sealed class BrotliModuleContractTests : ModuleContractTests<BrotliModule>
{
    protected override BrotliModule Create() => new();
}

public sealed class ZstdModuleContractTests : ModuleContractTests<ZstdModule>
{
    protected override ZstdModule Create() => new();
}
