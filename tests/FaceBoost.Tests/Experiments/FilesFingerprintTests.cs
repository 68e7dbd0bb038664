using FaceBoost.Experiments;
using Xunit;

namespace FaceBoost.Tests.Experiments;

public sealed class FilesFingerprintTests
{
    [Fact]
    public void NewModificationTimesKeepTheFingerprintAndNewBytesChangeIt()
    {
        var dir = Directory.CreateTempSubdirectory("fb-fingerprint-").FullName;
        try
        {
            var a = Path.Combine(dir, "a.pgm");
            var b = Path.Combine(dir, "b.pgm");
            File.WriteAllBytes(a, [1, 2, 3]);
            File.WriteAllBytes(b, [4, 5, 6]);
            var before = ExperimentData.FilesFingerprint([a, b]);

            // A re-provisioned data folder: same bytes, new times.
            File.SetLastWriteTimeUtc(a, DateTime.UtcNow.AddDays(1));
            File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddDays(2));
            Assert.Equal(before, ExperimentData.FilesFingerprint([a, b]));

            // Same size, one byte changed.
            File.WriteAllBytes(b, [4, 5, 7]);
            Assert.NotEqual(before, ExperimentData.FilesFingerprint([a, b]));
            Assert.NotEqual(ExperimentData.FilesFingerprint([a, b]), ExperimentData.FilesFingerprint([b, a]));
        }
        finally { Directory.Delete(dir, true); }
    }
}
