using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using NeuralStyle.Server.Web;
using NeuralStyle.Tests.Support;
using Xunit.Abstractions;

namespace NeuralStyle.Tests.Server;

/// <summary>
/// The embedded store's disk runs full mid-job, with the real parts: a <c>neural-style serve</c> child process whose data
/// folder and temporary folder (TMPDIR, where checkpoints and the loss plot pass through scratch files) are on a small
/// tmpfs of their own, as they share one disk on a single machine. While a checkpointed job runs, a filler file takes the
/// disk's last byte; it is held full for some seconds and then deleted. Meanwhile the store's writes (progress, preview,
/// checkpoint, result) fail with SQLITE_FULL or an I/O error and the scratch files with ENOSPC: the job must be delayed,
/// never ended, and finish with the PNG of an uninterrupted run byte for byte; the server answers HTTP all along.
/// Timeouts are hang guards for a loaded 2-core machine, not timing checks.
/// </summary>
public sealed class DiskFullChaosTests(ITestOutputHelper output)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(6);
    /// <summary>How long the disk stays full once the finished job could not store its result: several of its retries.</summary>
    private static readonly TimeSpan FullFor = TimeSpan.FromSeconds(5);
    private static Dictionary<string, string> Request() => new(RunningServer.SmallJob(80)) { ["seed"] = "29" };

    [SkippableFact]
    public async Task AJobFinishesThroughAFullDiskWithTheImageOfAnUninterruptedRun()
    {
        // Room for the job's largest checkpoints (L-BFGS's history grows them to tens of MB) several times over, so once freed
        // the disk refuses nothing: the uninterrupted reference run meets no fault.
        using var disk = TmpfsDisk.MountOrSkip(megabytes: 256);
        var data = disk.Folder("data");
        var scratch = disk.Folder("tmp");
        // A lease longer than any full spell here, so the job stays its worker's throughout: this test is about the disk.
        await using var serve = WorkerProcess.StartServeWithEnvironment(data, new Dictionary<string, string> { ["TMPDIR"] = scratch },
            "--checkpoint-steps", "5", "--threads", "1", "--takeover-seconds", "600");
        using var client = RunningServer.NewClient(await serve.WaitServingAsync());
        var id = await CreateAsync(client);

        var running = await WaitAsync(client, id, j => RunningServer.Finished(j) || (j.CheckpointStep >= 5 && j.Progress.Step > j.CheckpointStep));
        Assert.True(running.State == "running", $"the job ended before the fault: {running.State} {running.Error}");
        var logBefore = serve.Output.Length;
        var filled = disk.Fill();
        EmptyWriteAheadLog(Path.Combine(data, "jobs.db"), disk);
        Assert.Equal(0, disk.Available);
        output.WriteLine($"disk filled ({filled / 1024} KiB of filler) at step {running.Progress.Step}, checkpoint {running.CheckpointStep}");

        // Held full (topped up every round) until the job has run out of steps and met the disk storing its result, and
        // FullFor after that; the server is asked all along.
        var answers = 0;
        var clock = Stopwatch.StartNew();
        TimeSpan? resultRefusedAt = null;
        var during = running;
        var submissions = new List<string>();
        while (resultRefusedAt is null || clock.Elapsed - resultRefusedAt < FullFor)
        {
            disk.TopUp();
            using (var response = await client.GetAsync($"/api/jobs/{id}"))
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/jobs/{id} with the disk full: {(int)response.StatusCode} {body}");
                during = System.Text.Json.JsonSerializer.Deserialize<JobView>(body, RunningServer.Json)!;
                answers++;
            }
            if (RunningServer.Finished(during)) break;
            // Once a progress report has failed, the checkpoint the job may have been writing when the disk filled up is over
            // (the same thread writes both; a failed one gives its room back, topped up since): from now on nothing has room.
            if (submissions.Count == 0 && serve.Output[logBefore..].Contains("the database is unreachable at step"))
            {
                disk.TopUp();
                // New jobs cannot be stored now, neither in the store nor as an upload's buffer file: a 503 to retry later,
                // in the documented JSON, not an internal error nor a "malformed upload".
                submissions.Add(await SubmitWhileFullAsync(client, []));
                submissions.Add(await SubmitWhileFullAsync(client, [("photo", "big.png", RandomBytes(300_000))]));
            }
            if (resultRefusedAt is null && serve.Output[logBefore..].Contains("(drawing the loss plot")) resultRefusedAt = clock.Elapsed;
            // A job being failed waits for the store too: freed, the disk lets that through, and the job ends "failed".
            if (serve.Output[logBefore..].Contains("(recording the failure")) break;
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"the job did not reach its result in 4 min of full disk:\n{serve.Output[logBefore..]}");
            await Task.Delay(250);
        }
        var duringFull = serve.Output[logBefore..];
        var logFreed = serve.Output.Length;
        disk.Free();
        output.WriteLine($"disk freed after {clock.Elapsed.TotalSeconds:0.0} s full, job {during.State}: {answers} GETs meanwhile, all 200; " +
                         $"submissions meanwhile: {string.Join("; ", submissions)}");
        Assert.True(during.State == "running", $"the job ended while the disk was full: {during.State}: {during.Error}\n{serve.Output}");
        if (duringFull.Contains("(recording the failure"))
        {
            var ended = await WaitAsync(client, id, RunningServer.Finished);
            Assert.Fail($"the full disk ended the job: {ended.State}: {ended.Error}\n{duringFull}");
        }
        Assert.True(submissions.Count == 2, $"no progress report met the full disk:\n{duringFull}");
        // The store's writes met the full disk (a progress report: the job went on stepping without it, and without the
        // checkpoints, which wait for the store to be back), and so did the result (its plot's scratch file).
        Assert.Contains("the database is unreachable at step", duringFull);
        Assert.Contains("(drawing the loss plot", duringFull);

        var done = await WaitAsync(client, id, RunningServer.Finished);
        Assert.True(done.State == "done", $"{done.State}: {done.Error}\n{serve.Output}");
        Assert.Equal(1, done.Attempts); // delayed on its worker, not given up and started again

        var reference = await WaitAsync(client, await CreateAsync(client), RunningServer.Finished);
        Assert.True(reference.State == "done", $"{reference.State}: {reference.Error}");
        // Nothing of the reference run was refused (no warning names it): it is uninterrupted.
        Assert.DoesNotContain(serve.Output[logFreed..].Split('\n'), l => l.Contains(reference.Id) && l.Contains("warn:"));
        var expected = await client.GetByteArrayAsync($"/api/jobs/{reference.Id}/result");
        ScaleOutTests.AssertPng(expected, 128);
        var actual = await client.GetByteArrayAsync($"/api/jobs/{id}/result");
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"the result differs from the uninterrupted run ({actual.Length} vs {expected.Length} bytes)");
        // The scratch files of the writes the disk refused went with them (the .NET runtime's own sockets there are not ours).
        Assert.Empty(Directory.GetDirectories(scratch, "neural-style-worker-*").SelectMany(d => Directory.GetFiles(d, "*", SearchOption.AllDirectories)));
        output.WriteLine($"1 full disk, 1 job: done, byte-identical to the uninterrupted run ({expected.Length} bytes); " +
                         $"{(disk.Size - disk.Available) / (1 << 20)} MiB of the disk in use at the end");
        foreach (var line in serve.Output.Split('\n').Where(l => l.Contains("NeuralStyle.Server"))) output.WriteLine(line.Trim());
        await serve.StopAsync();
    }

    /// <summary>On the full disk, moves the store's write-ahead log into its database file and truncates it (what
    /// <c>sqlite3 jobs.db 'PRAGMA wal_checkpoint(TRUNCATE)'</c> does), filling what that gives back. Else SQLite may go on
    /// writing into the room of a log it had reset just before (a large checkpoint blob leaves megabytes of it), and
    /// whether the store's writes meet the full disk would depend on timing; now each needs room the disk does not have.
    /// A log that cannot be moved for want of room is as good: it cannot be reset either.</summary>
    private static void EmptyWriteAheadLog(string database, TmpfsDisk disk)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 2 }.ToString());
        connection.Open();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                using var reader = command.ExecuteReader();
                reader.Read();
                var (busy, frames) = (reader.GetInt64(0), reader.GetInt64(1));
                disk.TopUp();
                if (busy == 0 && frames == 0) return; // empty, and the disk full again
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 10 or 13) // SQLITE_IOERR, SQLITE_FULL: the database file cannot grow
            {
                disk.TopUp();
                return;
            }
            Assert.True(attempt < 50, "the write-ahead log could not be emptied: the server keeps it busy");
            Thread.Sleep(100);
        }
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static async Task<string> SubmitWhileFullAsync(HttpClient client, (string Field, string FileName, byte[] Bytes)[] files)
    {
        var fields = Request();
        if (files.Length > 0) fields.Remove("photoExample");
        using var form = Form(fields);
        foreach (var (field, fileName, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, fileName);
        }
        using var response = await client.PostAsync("/api/jobs", form);
        var body = await response.Content.ReadAsStringAsync();
        var what = files.Length > 0 ? $"with a {files[0].Bytes.Length / 1000} KB upload" : "of examples";
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"POST /api/jobs {what} with the disk full: {(int)response.StatusCode} {body}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.NotNull(System.Text.Json.JsonSerializer.Deserialize<ApiError>(body, RunningServer.Json)?.Error);
        return $"{what}: {(int)response.StatusCode}";
    }

    private static async Task<string> CreateAsync(HttpClient client)
    {
        using var form = Form(Request());
        using var response = await client.PostAsync("/api/jobs", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/jobs: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<JobView>(body, RunningServer.Json)!.Id;
    }

    private static MultipartFormDataContent Form(Dictionary<string, string> fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static Task<JobView> WaitAsync(HttpClient client, string id, Func<JobView, bool> until) =>
        JobPolling.UntilAsync(client, id, until, JobTimeout);
}
