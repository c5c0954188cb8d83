using Npgsql;

namespace NeuralStyle.Server.Hosting;

/// <summary><c>--database</c>: a <c>postgres://</c> URL (what most hosts hand out) or an Npgsql connection string.</summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string database)
    {
        if (!database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            const string expected = "--database must be a postgres://user:password@host:port/database URL or an Npgsql connection string";
            NpgsqlConnectionStringBuilder parsed;
            try
            {
                parsed = new NpgsqlConnectionStringBuilder(database);
            }
            catch (ArgumentException)
            {
                throw new NeuralStyleException(expected);
            }
            // Npgsql takes "" (or one without Host) as a string and fails only on opening, with an internal error.
            if (string.IsNullOrWhiteSpace(parsed.Host)) throw new NeuralStyleException(expected + " naming a host");
            return parsed.ConnectionString;
        }
        if (!Uri.TryCreate(database, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw new NeuralStyleException($"--database '{Redacted(database)}' is not a valid postgres:// URL");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) builder.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) builder.Password = Uri.UnescapeDataString(user[1]);
        var name = uri.AbsolutePath.Trim('/');
        builder.Database = name.Length > 0 ? Uri.UnescapeDataString(name) : "postgres";
        return builder.ConnectionString;
    }

    /// <summary>The URL without its password, for messages.</summary>
    public static string Redacted(string database) =>
        System.Text.RegularExpressions.Regex.Replace(database, "://([^:@/]*):[^@/]*@", "://$1:***@");
}
