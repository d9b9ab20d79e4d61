using System.Text.Json;

namespace ReplicaFs.Client.Http;

/// <summary>Reads what a ProblemDetails body says (errno, detail, title) without trusting it to be well-formed.</summary>
public static class ProblemText
{
    /// <summary>The numeric <c>errno</c> extension, the detail and the title of a ProblemDetails body.</summary>
    public static (int? Errno, string? Detail, string? Title) Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            int? errno = null;
            string? detail = null;
            string? title = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("errno") && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var e))
                {
                    errno = e;
                }
                else if (property.NameEquals("detail") && property.Value.ValueKind == JsonValueKind.String)
                {
                    detail = property.Value.GetString();
                }
                else if (property.NameEquals("title") && property.Value.ValueKind == JsonValueKind.String)
                {
                    title = property.Value.GetString();
                }
            }

            return (errno, detail, title);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    /// <summary>A one-line summary of an error body: its detail, else its title, else the start of the raw text.</summary>
    public static string Summarize(string? body)
    {
        var (_, detail, title) = Parse(body);
        if (!string.IsNullOrWhiteSpace(detail))
        {
            return detail;
        }

        if (!string.IsNullOrWhiteSpace(title))
        {
            return title;
        }

        if (string.IsNullOrWhiteSpace(body))
        {
            return "(no body)";
        }

        var text = body.ReplaceLineEndings(" ").Trim();
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
