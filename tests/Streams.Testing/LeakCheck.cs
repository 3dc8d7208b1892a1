namespace Streams.Testing;

/// <summary>The leak check: fails a test whose pool still has messages outstanding.</summary>
public static class LeakCheck
{
    /// <summary>Throws when <paramref name="pool"/> has messages that were never released.</summary>
    public static void AssertNoLeaks(MessagePool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        long outstanding = pool.Outstanding;
        if (outstanding != 0)
        {
            throw new Xunit.Sdk.XunitException($"Leak check: {outstanding} message(s) were never released (of {pool.TotalRented} rented).");
        }
    }
}
