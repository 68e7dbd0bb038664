using System.Drawing;

namespace FaceBoost.Faces;

/// <summary>Greedy non-maximum suppression over scored boxes.</summary>
public static class NonMaximumSuppression
{
    public static float IoU(RectangleF a, RectangleF b)
    {
        float ix = Math.Max(0, Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left));
        float iy = Math.Max(0, Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top));
        float inter = ix * iy;
        float union = a.Width * a.Height + b.Width * b.Height - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>Faces sorted by score, each kept unless it overlaps an already kept one above <paramref name="iouThreshold"/>.</summary>
    public static List<DetectedFace> Apply(IEnumerable<DetectedFace> faces, float iouThreshold, int topK = int.MaxValue, int keepTopK = int.MaxValue)
    {
        var sorted = faces.OrderByDescending(f => f.Score).Take(topK).ToList();
        var kept = new List<DetectedFace>();
        foreach (var f in sorted)
        {
            if (kept.Count >= keepTopK) break;
            bool suppressed = false;
            foreach (var k in kept)
                if (IoU(f.Box, k.Box) > iouThreshold) { suppressed = true; break; }
            if (!suppressed) kept.Add(f);
        }
        return kept;
    }
}
