using System.Net;
using System.Text.Json;
using Refit;
using ReplicaFs.Contracts.Posix;

namespace ReplicaFs.Api.Tests.Meta;

/// <summary>Assertions on ProblemDetails error responses.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts that <paramref name="call"/> fails with <paramref name="errno"/> (status, <c>errno</c> and <c>code</c>); returns the problem document.</summary>
    public static async Task<JsonElement> ErrnoAsync(Errno errno, Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<ApiException>(call);
        var problem = Parse(ex.Content);
        Assert.True(
            problem.TryGetProperty("errno", out var number),
            $"Expected errno {errno} but the problem has none: {ex.Content}");
        Assert.Equal(errno.ToString(), problem.GetProperty("code").GetString());
        Assert.Equal((int)errno, number.GetInt32());
        Assert.Equal(ErrnoHttpStatus.For(errno), (int)ex.StatusCode);
        Assert.Equal(ErrnoHttpStatus.For(errno), problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a raw response is a ProblemDetails document with <paramref name="status"/>; returns it.</summary>
    public static async Task<JsonElement> StatusAsync(HttpStatusCode status, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = Parse(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a raw response carries <paramref name="errno"/>; returns the problem.</summary>
    public static async Task<JsonElement> ErrnoAsync(Errno errno, HttpResponseMessage response)
    {
        var problem = await StatusAsync((HttpStatusCode)ErrnoHttpStatus.For(errno), response);
        Assert.Equal((int)errno, problem.GetProperty("errno").GetInt32());
        return problem;
    }

    private static JsonElement Parse(string? content)
    {
        Assert.False(string.IsNullOrEmpty(content), "The error response has no body.");
        using var document = JsonDocument.Parse(content);
        return document.RootElement.Clone();
    }
}
