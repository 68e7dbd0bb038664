namespace FaceBoost.Faces;

/// <summary>Plausibility of a detection's five landmarks: a crop aligned on nonsense landmarks is worse
/// than no crop, so anything implausible is refused with a reason.</summary>
public static class LandmarkCheck
{
    /// <summary>Null when the face is plausible, else why not.</summary>
    public static string? Problem(DetectedFace face, AlignmentOptions options)
    {
        var p = face.Landmarks;
        if (p.Length != DetectedFace.LandmarkCount) return $"{p.Length} landmarks instead of 5";
        foreach (var q in p)
            if (!float.IsFinite(q.X) || !float.IsFinite(q.Y)) return "non-finite landmark";
        if (face.Score < options.MinScore) return $"score {face.Score:F2} below {options.MinScore:F2}";

        var box = face.Box;
        if (box.Width <= 1 || box.Height <= 1) return $"degenerate box {box.Width:F0}x{box.Height:F0}";
        float sx = options.BoxSlack * box.Width, sy = options.BoxSlack * box.Height;
        foreach (var q in p)
            if (q.X < box.Left - sx || q.X > box.Right + sx || q.Y < box.Top - sy || q.Y > box.Bottom + sy)
                return $"landmark ({q.X:F0},{q.Y:F0}) outside the face box";

        float iod = face.InterOcularDistance;
        float ratio = iod / box.Width;
        if (ratio < options.MinEyeDistanceToBox || ratio > options.MaxEyeDistanceToBox)
            return $"eye distance {ratio:F2} of box width (allowed {options.MinEyeDistanceToBox:F2}..{options.MaxEyeDistanceToBox:F2})";

        // Mouth below the eyes in the face's own frame: the eye vector turned by +90° (image y down)
        // must point towards the mouth. This also refuses mirrored landmark orders.
        float ex = p[1].X - p[0].X, ey = p[1].Y - p[0].Y;
        float mx = (p[3].X + p[4].X) / 2 - (p[0].X + p[1].X) / 2, my = (p[3].Y + p[4].Y) / 2 - (p[0].Y + p[1].Y) / 2;
        if (ex * my - ey * mx <= 0) return "mouth is not below the eyes";
        float mouthWidthX = (p[4].X - p[3].X) * ex + (p[4].Y - p[3].Y) * ey;
        if (mouthWidthX <= 0) return "mouth corners are swapped";

        double roll = Math.Atan2(ey, ex) * 180 / Math.PI;
        if (Math.Abs(roll) > options.MaxRollDegrees) return $"face rolled {roll:F0}°";

        var template = ArcFaceTemplate.Points(ArcFaceTemplate.ReferenceSize);
        var t = SimilarityTransform.Estimate(p, template);
        double templateIod = template[1].X - template[0].X;
        double err = t.RmsError(p, template) / templateIod;
        if (err > options.MaxTemplateError) return $"landmarks miss the template by {err:F2} eye distances";
        return null;
    }
}
