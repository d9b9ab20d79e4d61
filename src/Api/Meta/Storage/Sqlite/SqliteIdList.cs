using System.Globalization;

namespace ReplicaFs.Api.Meta.Storage.Sqlite;

/// <summary>Passes a list of ids to one statement as a JSON array, read with <c>json_each</c>, instead of one statement per id.</summary>
internal static class SqliteIdList
{
    /// <summary>The ids as a JSON array of numbers.</summary>
    public static string ToJson<T>(IEnumerable<T> ids)
        where T : IFormattable =>
        "[" + string.Join(',', ids.Select(id => id.ToString(null, CultureInfo.InvariantCulture))) + "]";
}
