using System.Text.Json.Serialization;

namespace ReplicaFs.Contracts.Files;

/// <summary>
/// A point in time with nanosecond precision, as seconds and nanoseconds since the Unix epoch
/// (like <c>struct timespec</c>). Two fields rather than one nanosecond count, because JSON readers
/// written in JavaScript lose precision above 2^53.
/// </summary>
public readonly record struct Timestamp(
    [property: JsonPropertyName("sec")] long Seconds,
    [property: JsonPropertyName("nsec")] int Nanoseconds)
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Nanoseconds since the epoch.</summary>
    [JsonIgnore]
    public long TotalNanoseconds => (Seconds * NanosPerSecond) + Nanoseconds;

    /// <summary>Builds a timestamp from nanoseconds since the epoch.</summary>
    public static Timestamp FromNanoseconds(long nanoseconds) =>
        new(Math.DivRem(nanoseconds, NanosPerSecond, out var rem) - (rem < 0 ? 1 : 0), (int)(rem < 0 ? rem + NanosPerSecond : rem));

    /// <summary>The current time from <paramref name="clock"/>.</summary>
    public static Timestamp Now(TimeProvider clock) => FromDateTimeOffset(clock.GetUtcNow());

    /// <summary>Converts from a <see cref="DateTimeOffset"/> (100 ns resolution).</summary>
    public static Timestamp FromDateTimeOffset(DateTimeOffset value) =>
        FromNanoseconds((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    /// <summary>Converts to a <see cref="DateTimeOffset"/> (rounded down to 100 ns).</summary>
    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.UnixEpoch.AddTicks(TotalNanoseconds / 100);

    /// <summary>Whether the nanosecond field is in range.</summary>
    [JsonIgnore]
    public bool IsValid => Nanoseconds is >= 0 and < (int)NanosPerSecond;
}
