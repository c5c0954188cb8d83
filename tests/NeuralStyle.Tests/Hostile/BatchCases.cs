namespace NeuralStyle.Tests.Hostile;

/// <summary>
/// Hostile cases of <c>batch</c> (issue 20): the files a batch writes by itself (results, index.html,
/// contact_sheet.png) go through the same checks as named outputs, so a user's photo is never written over nor
/// taken for a result, however the output folder is named.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class BatchCases
{
    private static readonly string[] Quick = ["--model", "resnet18", "--size", "32", "--iterations", "1"];

    /// <summary>batch {w}/photos --styles {w}/s.jpg -o OUTPUT + the quick settings.</summary>
    public static string[] Batch(string output, params string[] extra) =>
        ["batch", "{w}/photos", "--styles", "{w}/s.jpg", "-o", output, .. Quick, .. extra];

    /// <summary>photos/a.png and photos/b.png, copies of the workspace's photo.</summary>
    public static void Photos(Workspace w)
    {
        Directory.CreateDirectory(w["photos"]);
        File.Copy(w["c.png"], w["photos/a.png"]);
        File.Copy(w["c.png"], w["photos/b.png"]);
    }

    private static readonly string[] MadeInPhotos =
        ["photos/a__s.png", "photos/b__s.png", "photos/index.html", "photos/contact_sheet.png", "photos/neural-style-batch.json"];

    public static IEnumerable<HostileCase> All()
    {
        yield return new("batch -o the photo folder keeps the user's contact_sheet.png", Batch("{w}/photos"), Expect: "contact_sheet.png' is a file this batch did not write")
        {
            Setup = w => { Photos(w); File.Copy(w["out.png"], w["photos/contact_sheet.png"]); },
        };
        yield return new("batch keeps the user's own index.html in -o", Batch("{w}/out"), Expect: "index.html' is a file this batch did not write")
        {
            Setup = w => { Photos(w); Directory.CreateDirectory(w["out"]); File.WriteAllText(w["out/index.html"], "<p>my page</p>"); },
        };
        yield return new("batch -o a symlink to the photo folder: a user photo named like a result is no result", Batch("{w}/outlink"), Expect: "a__s.png' is a file this batch did not write")
        {
            Setup = w => { Photos(w); File.Copy(w["out.png"], w["photos/a__s.png"]); Directory.CreateSymbolicLink(w["outlink"], w["photos"]); },
        };
        yield return new("batch: an empty file where a result goes is not skipped", Batch("{w}/out"), Expect: "is an empty file this batch did not write")
        {
            Setup = w => { Photos(w); Directory.CreateDirectory(w["out"]); File.WriteAllBytes(w["out/a__s.png"], []); },
        };
        yield return new("batch: a dangling symlink where a result goes is not skipped", Batch("{w}/out"), Expect: "symbolic link to nothing")
        {
            Setup = w => { Photos(w); Directory.CreateDirectory(w["out"]); File.CreateSymbolicLink(w["out/a__s.png"], w["gone.png"]); },
        };
        yield return new("batch: a result the user changed since is not skipped", Batch("{w}/out"), Expect: "a__s.png' is a file this batch did not write")
        {
            Setup = w =>
            {
                Photos(w);
                Directory.CreateDirectory(w["out"]);
                var first = HostileCli.InProcess(HostileCorpusTests.Resolve(Batch("{w}/out"), w));
                Assert.Equal(0, first.ExitCode);
                File.Copy(w["out.png"], w["out/a__s.png"], overwrite: true); // the user's picture now
            },
        };
        yield return new("batch: a record file that is someone else's", Batch("{w}/out"), Expect: "is not valid JSON")
        {
            Setup = w => { Photos(w); Directory.CreateDirectory(w["out"]); File.WriteAllText(w["out/neural-style-batch.json"], "my notes, not JSON"); },
        };
        yield return new("batch: a record naming a path outside the folder", Batch("{w}/out"), Expect: "has an entry that is not a file name")
        {
            Setup = w =>
            {
                Photos(w);
                Directory.CreateDirectory(w["out"]);
                File.WriteAllText(w["out/neural-style-batch.json"], """{"Format":"neural-style-batch","Version":1,"Files":[{"Name":"../c.png","Sha256":null}]}""");
            },
        };
        yield return new("batch -o a dangling symlink", Batch("{w}/outlink"), Expect: "symbolic link to a folder that does not exist")
        {
            Setup = w => { Photos(w); Directory.CreateSymbolicLink(w["outlink"], w["nowhere"]); },
        };
        // ---- --pairs CSV ----
        string[] Pairs(string csv) => ["batch", "--pairs", csv, "-o", "{w}/out", .. Quick];
        yield return new("batch --pairs a FIFO", Pairs("{w}/pairs.fifo"), Expect: "FIFO") { Setup = w => HostileFiles.MakeFifo(w["pairs.fifo"]), Process = true, Seconds = 20 };
        yield return new("batch --pairs /dev/zero", Pairs("/dev/zero"), Expect: "is a device") { Process = true, Seconds = 20 };
        yield return new("batch --pairs of 300 MB (sparse)", Pairs("{w}/big.csv"), Expect: "a pairs file may be at most 256 MiB")
        {
            Setup = w => { using var f = File.Create(w["big.csv"]); f.SetLength(300L << 20); },
        };
        yield return new("batch --pairs with a 20 MB line is not echoed", Pairs("{w}/long.csv"), Expect: "line 2: longer than")
        {
            Setup = w => File.WriteAllText(w["long.csv"], "photo,painting\n" + new string('x', 20 << 20) + ",s.jpg\n"),
            LongestLine = 400,
        };
        yield return new("batch --pairs with a long bad line quotes an excerpt", Pairs("{w}/bad.csv"), Expect: "(5000 characters)")
        {
            Setup = w => File.WriteAllText(w["bad.csv"], new string('y', 5000) + "\n"),
            LongestLine = 400,
        };
        yield return new("batch --pairs with terminal escapes shows them escaped", Pairs("{w}/esc.csv"), Expect: "found '\\x1B]0;owned\\x07\\x1B[2J'")
        {
            Setup = w => File.WriteAllBytes(w["esc.csv"], [.. "\u001b]0;owned\u0007\u001b[2J\n"u8]),
        };
        yield return new("batch --pairs with binary bytes", Pairs("{w}/bin.csv"), Expect: "expected 'photo,painting'")
        {
            Setup = w => File.WriteAllBytes(w["bin.csv"], [0x00, 0x01, 0x9B, 0xFF, 0x1B, 0x5B, 0x48, 0x0A]),
        };

        // Found by the fuzzer (ReaderFuzzTests.Formats): each of these was a pair of the batch, failed after the others ran.
        yield return new("batch --pairs naming a missing painting", Pairs("{w}/missing.csv"), Expect: "line 1: the painting 'nope.jpg' does not exist")
        {
            Setup = w => File.WriteAllText(w["missing.csv"], "c.png,nope.jpg\n"),
        };
        yield return new("batch --pairs naming a folder", Pairs("{w}/dir.csv"), Expect: "line 2: the photo 'sub' is a folder")
        {
            Setup = w => { Directory.CreateDirectory(w["sub"]); File.WriteAllText(w["dir.csv"], "photo,painting\nsub,s.jpg\n"); },
        };
        yield return new("batch --pairs with control characters in a name", Pairs("{w}/ctl.csv"), Expect: "is no file name")
        {
            Setup = w => File.WriteAllBytes(w["ctl.csv"], [.. "c.png,s\u001b[2J.jpg\n"u8]),
        };

        yield return new("batch -o the photo folder, run again, resumes and takes no result for a photo", Batch("{w}/photos"), Exit: 0)
        {
            Setup = Photos,
            Outputs = MadeInPhotos,
            Then = w =>
            {
                var before = w.Snapshot();
                var again = HostileCli.InProcess(HostileCorpusTests.Resolve(Batch("{w}/photos"), w));
                HostileAssert.Clean(again, 0, null, TimeSpan.FromSeconds(60));
                Assert.Contains("batch: 0 done, 2 skipped", again.Stdout);
                HostileAssert.Unchanged(before, w.Snapshot(), ["photos/index.html", "photos/contact_sheet.png", "photos/neural-style-batch.json"], []);
            },
        };
    }
}
