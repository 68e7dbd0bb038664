using FaceBoost.Data;
using SkiaSharp;

namespace FaceBoost.Synthesis.Procedural;

/// <summary>Draws one face, back to front, in the 112 frame (the canvas already holds roll, scale and
/// shift). Every shape is a polygon of frontal points passed through <see cref="HeadProjection"/>, so
/// yaw and pitch move all parts consistently.</summary>
internal sealed class FaceDrawing
{
    private const float CheekY = 56f;
    private readonly SKCanvas _c;
    private readonly FaceIdentity _id;
    private readonly NuisanceParams _n;
    private readonly HeadProjection _proj;
    private readonly SKPaint _fill = new() { IsAntialias = true, Style = SKPaintStyle.Fill };
    private readonly SKPaint _stroke = new() { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round };

    public FaceDrawing(SKCanvas canvas, FaceIdentity id, NuisanceParams n)
    {
        _c = canvas; _id = id; _n = n;
        _proj = new HeadProjection(n.Yaw, n.Pitch, id.FaceWidth);
    }

    public void Draw()
    {
        try
        {
            BackHair();
            NeckAndShoulders();
            Ears();
            FaceSkin();
            Marks();
            Beard();
            Nose();
            Mouth();
            Moustache();
            Eyes();
            Brows();
            FrontHair();
            Glasses();
            Occlusion();
        }
        finally
        {
            _fill.Dispose();
            _stroke.Dispose();
        }
    }

    // ---------- geometry helpers ----------

    private float W => _id.FaceWidth;

    /// <summary>The frontal face outline, clockwise from the right cheek over the crown: an ellipse above the
    /// cheekbones and a superellipse below (square jaw for large exponents), narrowed towards the chin.</summary>
    private SKPoint FrontalOutline(float t, float grow = 0f)
    {
        float cos = MathF.Cos(t), sin = MathF.Sin(t);
        float w = W + grow;
        if (sin < 0) // upper half (y up is negative sin)
            return new SKPoint(56 + w * cos, CheekY + (CheekY - _id.HeadTop + grow) * sin);
        float e = 2f / _id.JawSquareness;
        float x = w * MathF.Sign(cos) * MathF.Pow(MathF.Abs(cos), e);
        float y = (_id.ChinY - CheekY + grow) * MathF.Pow(sin, e);
        x *= 1f - (0.5f - _id.ChinWidth) * 0.7f * sin * sin * sin;
        return new SKPoint(56 + x, CheekY + y);
    }

    private static SKPath Polygon(IEnumerable<SKPoint> pts) => Path(pts, close: true);

    private static SKPath Polyline(IEnumerable<SKPoint> pts) => Path(pts, close: false);

    private static SKPath Path(IEnumerable<SKPoint> pts, bool close)
    {
        using var b = new SKPathBuilder();
        bool first = true;
        foreach (var p in pts)
        {
            if (first) { b.MoveTo(p); first = false; }
            else b.LineTo(p);
        }
        if (close) b.Close();
        return b.Detach();
    }

    private static IEnumerable<float> Steps(float a, float b, int n)
    {
        for (int i = 0; i <= n; i++) yield return a + (b - a) * i / n;
    }

    private IEnumerable<SKPoint> Ellipse(float cx, float cy, float rx, float ry, float relief = 0f, int n = 28)
    {
        for (int i = 0; i < n; i++)
        {
            float t = MathF.Tau * i / n;
            yield return _proj.P(cx + rx * MathF.Cos(t), cy + ry * MathF.Sin(t), relief);
        }
    }

    private void Fill(SKPath path, Rgb colour, float alpha = 1f)
    {
        _fill.Color = colour.ToSk(alpha);
        _c.DrawPath(path, _fill);
    }

    private void Stroke(SKPath path, Rgb colour, float width, float alpha = 1f)
    {
        _stroke.Color = colour.ToSk(alpha);
        _stroke.StrokeWidth = width;
        _c.DrawPath(path, _stroke);
    }

    private float Volume => _id.HairVolume * _n.HairVolume;

    // ---------- parts, back to front ----------

    private void BackHair()
    {
        var hair = _id.HairColour;
        switch (_id.Hair)
        {
            case HairStyle.Long:
            {
                float v = Volume;
                var pts = new List<SKPoint>();
                foreach (var t in Steps(MathF.PI, 2 * MathF.PI, 24)) pts.Add(_proj.AtDepth(56 + (W + 5 * v) * MathF.Cos(t), CheekY + (CheekY - _id.HeadTop + 5 * v) * MathF.Sin(t), -8));
                pts.Add(_proj.AtDepth(56 + W + 7 * v, 118, -10));
                pts.Add(_proj.AtDepth(56 - W - 7 * v, 118, -10));
                using var path = Polygon(pts);
                Fill(path, hair.Scale(0.8f));
                break;
            }
            case HairStyle.Afro:
            {
                float v = Volume;
                using var path = Polygon(Steps(0, MathF.Tau, 40).Select(t =>
                    _proj.AtDepth(56 + (W + 13 * v) * MathF.Cos(t) * (1 + 0.03f * MathF.Sin(9 * t)), _id.HeadTop + 30 + (34 + 8 * v) * MathF.Sin(t) * (1 + 0.03f * MathF.Cos(11 * t)), -10)));
                Fill(path, hair);
                break;
            }
            case HairStyle.Bun:
            {
                using var path = Polygon(Ellipse(56 + _id.HairPart * 6, _id.HeadTop - 2, 9 * Volume, 8 * Volume, -6));
                Fill(path, hair);
                break;
            }
            case HairStyle.Curly:
            {
                float v = Volume;
                using var path = Polygon(Steps(MathF.PI * 0.9f, MathF.PI * 2.1f, 40).Select(t =>
                {
                    float bump = 2.2f * MathF.Abs(MathF.Sin(7 * t));
                    return _proj.AtDepth(56 + (W + 4 * v + bump) * MathF.Cos(t), CheekY + (CheekY - _id.HeadTop + 5 * v + bump) * MathF.Sin(t), -8);
                }));
                Fill(path, hair);
                break;
            }
        }
    }

    private void NeckAndShoulders()
    {
        var skin = _id.Skin;
        float nw = W * 0.52f;
        using (var neck = Polygon([_proj.AtDepth(56 - nw, 85, -12), _proj.AtDepth(56 + nw, 85, -12), _proj.AtDepth(56 + nw * 1.1f, 122, -12), _proj.AtDepth(56 - nw * 1.1f, 122, -12)]))
            Fill(neck, skin.Scale(0.78f));
        // Shoulders turn less than the head: shift them by a fraction of the yaw instead of projecting.
        float bodyX = 56 - _n.Yaw * 0.3f;
        using var body = Polygon(Steps(0, MathF.Tau, 40).Select(t => new SKPoint(bodyX + 64 * MathF.Cos(t), 136 + 24 * MathF.Sin(t))));
        Fill(body, _n.Clothing);
        using var collar = Polyline([new SKPoint(56 - nw * 1.1f, 113), new SKPoint(56, 121), new SKPoint(56 + nw * 1.1f, 113)]);
        Stroke(collar, _n.Clothing.Scale(0.6f), 1.5f);
    }

    private void Ears()
    {
        float s = _id.EarSize;
        foreach (int side in (int[])[-1, 1])
        {
            float ex = 56 + side * (W - 1.5f);
            var pts = Steps(0, MathF.Tau, 20).Select(t =>
                _proj.AtDepth(ex + side * 5.5f * s * MathF.Max(0.15f, MathF.Cos(t) * side + 0.35f), _id.EarY + 10 * s * MathF.Sin(t), -0.45f * W)).ToList();
            using var ear = Polygon(pts);
            Fill(ear, _id.Skin.Scale(0.9f));
            using var inner = Polyline(Steps(-1.2f, 1.2f, 8).Select(t => _proj.AtDepth(ex + side * 3.5f * s * MathF.Cos(t), _id.EarY + 6 * s * MathF.Sin(t), -0.45f * W)));
            Stroke(inner, _id.Skin.Scale(0.65f), 1f);
        }
    }

    private void FaceSkin()
    {
        var pts = Steps(0, MathF.Tau, 72).Select(t => { var p = FrontalOutline(t); return _proj.P(p.X, p.Y); }).ToList();
        using var face = Polygon(pts);
        var centre = _proj.P(56, 62, 6);
        using var shader = SKShader.CreateRadialGradient(centre, W * 1.25f,
            [_id.Skin.Scale(1.08f).ToSk(), _id.Skin.ToSk(), _id.Skin.Scale(0.8f).ToSk()], [0f, 0.55f, 1f], SKShaderTileMode.Clamp);
        _fill.Shader = shader;
        _c.DrawPath(face, _fill);
        _fill.Shader = null;
        Stroke(face, _id.Skin.Scale(0.6f), 0.8f, 0.7f);

        if (_id.CheekBlush > 0.02f || _n.Smile > 0.5f)
        {
            using var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 3.5f);
            _fill.MaskFilter = blur;
            float a = Math.Clamp(_id.CheekBlush + 0.1f * MathF.Max(0, _n.Smile), 0, 0.4f);
            foreach (int side in (int[])[-1, 1])
            {
                using var cheek = Polygon(Ellipse(56 + side * (_id.EyeSpacing + 3), 74, 7, 4.5f, 2, 16));
                Fill(cheek, new Rgb(0.85f, 0.3f, 0.3f), a);
            }
            _fill.MaskFilter = null;
        }
    }

    private void Marks()
    {
        if (_id.Freckles > 0)
        {
            var r = new SeededRandom(_id.FreckleSeed);
            int count = (int)(_id.Freckles * 45);
            _fill.Color = _id.Skin.Scale(0.68f).ToSk(0.75f);
            for (int i = 0; i < count; i++)
            {
                float side = r.Chance(0.5) ? -1 : 1;
                float x = 56 + side * r.Uniform(2, 26), y = r.Uniform(58, 80);
                _c.DrawCircle(_proj.P(x, y, 2), r.Uniform(0.5f, 0.95f), _fill);
            }
        }
        foreach (var m in _id.Moles)
        {
            _fill.Color = new Rgb(0.22f, 0.12f, 0.08f).ToSk(0.9f);
            _c.DrawCircle(_proj.P(m.X, m.Y, 1), m.Radius, _fill);
        }
    }

    /// <summary>The lower-face region a beard covers: the outline below the jaw line, closed by an arc
    /// that starts at the sideburns and passes between nose and mouth.</summary>
    private SKPath BeardRegion(float top)
    {
        var pts = new List<SKPoint>();
        float side = 66f;
        foreach (var t in Steps(0, MathF.PI, 40))
        {
            var p = FrontalOutline(t, 0.6f);
            if (p.Y >= side) pts.Add(_proj.P(p.X, p.Y));
        }
        foreach (var u in Steps(1f, -1f, 24)) // left to right, continuing from the outline's left end
        {
            float x = 56 - u * (W - 0.5f);
            float y = side + (top - side) * (1 - u * u);
            pts.Add(_proj.P(x, y, 1));
        }
        return Polygon(pts);
    }

    private void Beard()
    {
        var hair = _id.HairColour.Scale(0.9f);
        switch (_id.FacialHair)
        {
            case FacialHair.Stubble:
                using (var region = BeardRegion(_id.MouthY - 4)) Fill(region, hair, 0.22f);
                break;
            case FacialHair.FullBeard:
                using (var region = BeardRegion(_id.MouthY - 5)) Fill(region, hair, 0.92f);
                break;
            case FacialHair.Goatee:
            {
                float hw = _id.MouthWidth * 0.42f;
                var pts = Steps(0, MathF.PI, 16).Select(t => _proj.P(56 + hw * MathF.Cos(t), _id.MouthY + 1 + (_id.ChinY - _id.MouthY + 0.5f) * MathF.Sin(t), 2))
                    .Concat([_proj.P(56 - hw, _id.MouthY - 1, 2), _proj.P(56 + hw, _id.MouthY - 1, 2)]);
                using var path = Polygon(pts);
                Fill(path, hair, 0.9f);
                break;
            }
        }
    }

    private void Nose()
    {
        var skin = _id.Skin;
        float tip = _id.NoseTipY, hw = _id.NoseWidth / 2;
        using (var blur = SKMaskFilter.CreateBlur(SKBlurStyle.Normal, 1.2f))
        {
            _fill.MaskFilter = blur;
            using var shadow = Polygon(Ellipse(56, tip + 1.5f, hw * 0.9f, 2.4f, 8, 16));
            Fill(shadow, skin.Scale(0.62f), 0.55f);
            _fill.MaskFilter = null;
        }
        float bridgeSide = _n.Yaw >= 0 ? -1 : 1;
        using (var bridge = Polyline(Steps(0, 1, 8).Select(t =>
                   _proj.P(56 + bridgeSide * (2.2f + 0.25f * hw * t), _id.EyeY + 3 + (tip - 4 - _id.EyeY - 3) * t, 2 + 7 * t))))
            Stroke(bridge, skin.Scale(0.68f), 1.0f, 0.25f + 0.6f * _id.NoseBridge);
        using (var wings = Polyline(Steps(-1, 1, 16).Select(u =>
                   _proj.P(56 + hw * u, tip - 2.5f + 4.5f * MathF.Sqrt(MathF.Max(0, 1 - u * u * 0.9f)) - 2.2f * u * u, 9 - 4 * MathF.Abs(u)))))
            Stroke(wings, skin.Scale(0.55f), 1.1f, 0.85f);
        foreach (int side in (int[])[-1, 1])
        {
            using var nostril = Polygon(Ellipse(56 + side * hw * 0.38f, tip + 1.2f, hw * 0.2f + 0.5f, 0.9f, 7, 10));
            Fill(nostril, skin.Scale(0.35f), 0.9f);
        }
    }

    private float LipLine(float u) => _id.MouthY + _n.Smile * (1.0f - 3.6f * u * u);
    private float Gap(float u) => _n.MouthOpen * 5.5f * MathF.Pow(MathF.Max(0, 1 - u * u), 0.8f);
    private float UpperTop(float u) => LipLine(u) - _id.UpperLip * MathF.Pow(MathF.Max(0, 1 - u * u), 0.7f) * (1 - 0.3f * MathF.Exp(-(u / 0.14f) * (u / 0.14f)));
    private float LowerBottom(float u) => LipLine(u) + Gap(u) + _id.LowerLip * MathF.Pow(MathF.Max(0, 1 - u * u), 0.6f);

    private void Mouth()
    {
        float hw = _id.MouthWidth / 2 * (1 + 0.08f * MathF.Max(0, _n.Smile));
        const float relief = 4f;
        SKPoint At(float u, float y) => _proj.P(56 + hw * u, y, relief * (1 - 0.5f * u * u));
        var us = Steps(-1, 1, 24).ToArray();
        if (_n.MouthOpen > 0.05f)
        {
            using var inside = Polygon(us.Select(u => At(u, LipLine(u) - 0.2f)).Concat(us.Reverse().Select(u => At(u, LipLine(u) + Gap(u)))));
            Fill(inside, new Rgb(0.22f, 0.06f, 0.07f));
            if (_n.Smile > 0.3f)
            {
                using var teeth = Polygon(us.Select(u => At(u * 0.8f, LipLine(u * 0.8f))).Concat(us.Reverse().Select(u => At(u * 0.8f, LipLine(u * 0.8f) + Gap(u * 0.8f) * 0.45f))));
                Fill(teeth, new Rgb(0.95f, 0.94f, 0.9f));
            }
        }
        using (var upper = Polygon(us.Select(u => At(u, UpperTop(u))).Concat(us.Reverse().Select(u => At(u, LipLine(u))))))
            Fill(upper, _id.LipColour.Scale(0.92f));
        using (var lower = Polygon(us.Select(u => At(u, LipLine(u) + Gap(u))).Concat(us.Reverse().Select(u => At(u, LowerBottom(u))))))
            Fill(lower, _id.LipColour);
        using var line = Polyline(us.Select(u => At(u, LipLine(u))));
        Stroke(line, _id.LipColour.Scale(0.45f), 0.9f, 0.9f);
    }

    private void Moustache()
    {
        if (_id.FacialHair is not (FacialHair.Moustache or FacialHair.Goatee or FacialHair.FullBeard)) return;
        float hw = _id.MouthWidth / 2 * 1.1f;
        var us = Steps(-1.08f, 1.08f, 20).ToArray();
        float thick = 2.5f + 0.8f * _id.HairVolume;
        using var path = Polygon(us.Select(u => _proj.P(56 + hw * u, UpperTop(Math.Clamp(u, -1, 1)) - 0.3f + 1.5f * u * u, 4))
            .Concat(us.Reverse().Select(u => _proj.P(56 + hw * u * 0.92f, UpperTop(Math.Clamp(u, -1, 1)) - thick + 2.2f * u * u, 5))));
        Fill(path, _id.HairColour.Scale(0.85f), 0.95f);
    }

    private void Eyes()
    {
        float w = _id.EyeWidth;
        float squint = 1 - 0.25f * MathF.Max(0, _n.Smile);
        float up = w * _id.EyeOpening * 1.45f * _n.EyeOpenness;
        float low = w * _id.EyeOpening * 1.0f * squint;
        foreach (int side in (int[])[-1, 1])
        {
            float cx = 56 + side * _id.EyeSpacing, cy = _id.EyeY;
            float a = -side * _id.EyeTilt;
            float ca = MathF.Cos(a), sa = MathF.Sin(a);
            SKPoint At(float dx, float dy, float relief = 1f) => _proj.P(cx + dx * ca - dy * sa, cy + dx * sa + dy * ca, relief);

            var ts = Steps(0, MathF.PI, 14).ToArray();
            var upper = ts.Select(t => At(w * MathF.Cos(t), -up * MathF.Pow(MathF.Max(0f, MathF.Sin(t)), 0.85f))).ToArray();
            var lower = ts.Reverse().Select(t => At(w * MathF.Cos(t), low * MathF.Pow(MathF.Max(0f, MathF.Sin(t)), 0.9f))).ToArray();
            using var eye = Polygon(upper.Concat(lower));
            // Eye socket shadow, so closed eyes and dark skin still read as eyes.
            using (var socket = Polygon(Ellipse(cx, cy - 1, w * 1.25f, w * 0.75f, 0, 18)))
                Fill(socket, _id.Skin.Scale(0.8f), 0.35f);
            if (up > 0.6f)
            {
                Fill(eye, new Rgb(0.95f, 0.93f, 0.9f));
                _c.Save();
                _c.ClipPath(eye, SKClipOperation.Intersect, true);
                float ir = _id.IrisSize * w;
                var ic = At(_n.GazeX * w * 0.35f, -0.1f * up, 1.5f);
                _fill.Color = _id.IrisColour.ToSk();
                _c.DrawCircle(ic, ir, _fill);
                _fill.Color = new SKColor(12, 10, 10);
                _c.DrawCircle(ic, ir * 0.45f, _fill);
                _fill.Color = new SKColor(255, 255, 255, 210);
                _c.DrawCircle(new SKPoint(ic.X + ir * 0.35f, ic.Y - ir * 0.35f), ir * 0.22f, _fill);
                _c.Restore();
            }
            using var lid = Polyline(upper);
            Stroke(lid, new Rgb(0.12f, 0.08f, 0.07f), 1.1f + 0.3f * (1 - _id.Masculinity));
            using var lowLid = Polyline(lower);
            Stroke(lowLid, _id.Skin.Scale(0.55f), 0.6f, 0.6f);
        }
    }

    private void Brows()
    {
        foreach (int side in (int[])[-1, 1])
        {
            float ex = 56 + side * _id.EyeSpacing;
            float baseY = _id.EyeY - _id.BrowGap - 2.2f * _n.BrowRaise;
            var ts = Steps(-1, 1, 14).ToArray();
            float Centre(float t) => baseY - _id.BrowArch * (1 - t * t) - _id.BrowTilt * t * _id.BrowLength * 0.5f;
            float Thick(float t) => _id.BrowThickness * (1.1f - 0.45f * (t + 1) / 2);
            // t = -1 is the inner end (towards the nose) for both brows.
            float X(float t) => ex + side * (t * _id.BrowLength + 1f);
            using var brow = Polygon(ts.Select(t => _proj.P(X(t), Centre(t) - Thick(t) / 2, 2))
                .Concat(ts.Reverse().Select(t => _proj.P(X(t), Centre(t) + Thick(t) / 2, 2))));
            Fill(brow, _id.BrowColour, 0.95f);
        }
    }

    private void FrontHair()
    {
        if (_id.Hair == HairStyle.Bald)
        {
            // A fringe of hair above the ears keeps bald heads from looking like eggs.
            foreach (int side in (int[])[-1, 1])
            {
                using var tuft = Polygon(Steps(-0.6f, 0.6f, 10).Select(t => _proj.P(56 + side * (W - 1.5f - 2.5f * MathF.Cos(t)), 50 + 10 * MathF.Sin(t), 0)));
                Fill(tuft, _id.HairColour, 0.85f);
            }
            return;
        }
        float v = Volume;
        float grow = _id.Hair switch { HairStyle.Buzz => 0.5f, HairStyle.Bun => 1.2f, HairStyle.Afro => 3f, _ => 2.5f * v };
        float temple = 47f;
        float line = _id.Hairline;
        float part = _id.HairPart;
        Func<float, float> hairline = _id.Hair switch
        {
            // u in [-1, 1] across the forehead; returns the y where hair stops.
            HairStyle.Fringe => u => MathF.Max(line, _id.EyeY - _id.BrowGap - 4f) + 1.2f * MathF.Abs(MathF.Sin(14 * u)) + 2f * u * u,
            HairStyle.SidePart => u => line + (temple - line) * MathF.Pow(MathF.Abs(u), 2.5f) + 5f * MathF.Max(0, -u * MathF.Sign(part)) * (1 - MathF.Abs(u)),
            HairStyle.Long => u => line + (temple + 10 - line) * MathF.Pow(MathF.Abs(u), 2f),
            _ => u => line + (temple - line) * MathF.Pow(MathF.Abs(u), 2.5f),
        };
        var pts = new List<SKPoint>();
        // Crown: the outline from the left temple over the top to the right temple, slightly enlarged.
        foreach (var t in Steps(MathF.PI * 0.97f, MathF.PI * 2.03f, 36))
        {
            var p = FrontalOutline(t, grow);
            if (_id.Hair == HairStyle.Curly) p = new SKPoint(p.X, p.Y - 1.8f * MathF.Abs(MathF.Sin(8 * t)));
            pts.Add(_proj.P(p.X, p.Y, 0));
        }
        // Hairline back from right to left.
        foreach (var u in Steps(1, -1, 30))
        {
            float x = 56 + u * (W - 0.2f);
            pts.Add(_proj.P(x, hairline(u), 1.5f));
        }
        using var cap = Polygon(pts);
        float alpha = _id.Hair == HairStyle.Buzz ? 0.6f : 1f;
        Fill(cap, _id.HairColour, alpha);
        if (_id.Hair is HairStyle.Short or HairStyle.SidePart or HairStyle.Long or HairStyle.Fringe)
        {
            // A few strands give texture and a highlight that moves with the light.
            var r = new SeededRandom(_id.FreckleSeed ^ 0xABCDEFUL);
            for (int i = 0; i < 7; i++)
            {
                float u0 = r.Uniform(-0.8f, 0.8f);
                using var strand = Polyline(Steps(0, 1, 6).Select(t => _proj.P(56 + (u0 + 0.15f * part * t) * W * 0.9f, _id.HeadTop + 6 + t * (hairline(u0) - _id.HeadTop - 8), 1)));
                Stroke(strand, _id.HairColour.Scale(1.35f), 0.7f, 0.35f);
            }
        }
        if (_id.Hair == HairStyle.Long)
        {
            // Side curtains in front of the cheeks.
            foreach (int side in (int[])[-1, 1])
            {
                var curtain = new List<SKPoint>();
                foreach (var y in Steps(40, 100, 12)) curtain.Add(_proj.P(56 + side * (W + 3 * v), y, 0));
                foreach (var y in Steps(100, 40, 12)) curtain.Add(_proj.P(56 + side * (W - 5.5f - 2 * v + 3f * MathF.Sin((y - 40) / 60 * MathF.PI)), y, 0));
                using var path = Polygon(curtain);
                Fill(path, _id.HairColour);
            }
        }
    }

    private void Glasses()
    {
        if (_id.Glasses == GlassesStyle.None) return;
        float w = _id.EyeWidth;
        var frame = _id.GlassesColour;
        var inner = new SKPoint[2];
        foreach (int side in (int[])[-1, 1])
        {
            float cx = 56 + side * _id.EyeSpacing, cy = _id.EyeY + 0.5f;
            IEnumerable<SKPoint> lens = _id.Glasses == GlassesStyle.Round
                ? Ellipse(cx, cy, w * 1.45f, w * 1.3f, 5, 28)
                : Steps(0, MathF.Tau, 28).Select(t =>
                {
                    float c = MathF.Cos(t), s = MathF.Sin(t);
                    float x = MathF.Sign(c) * MathF.Pow(MathF.Abs(c), 0.4f), y = MathF.Sign(s) * MathF.Pow(MathF.Abs(s), 0.4f);
                    return _proj.P(cx + x * w * 1.55f, cy + y * w * 1.05f, 5);
                });
            using var path = Polygon(lens);
            Fill(path, new Rgb(0.85f, 0.9f, 1f), 0.12f);
            Stroke(path, frame, 1.5f);
            inner[(side + 1) / 2] = _proj.P(cx - side * w * 1.45f, cy - 1, 5);
            using var temple = Polyline([_proj.P(cx + side * w * 1.5f, cy - 1, 5), _proj.P(56 + side * (W - 0.5f), cy - 2, 0)]);
            Stroke(temple, frame, 1.3f);
        }
        using var bridge = Polyline([inner[0], _proj.P(56, _id.EyeY - 1.5f, 8), inner[1]]);
        Stroke(bridge, frame, 1.4f);
    }

    private void Occlusion()
    {
        if (_n.Occlusion == OcclusionKind.None) return;
        _c.Save();
        _c.RotateDegrees(_n.OcclusionAngle, _n.OcclusionX, _n.OcclusionY);
        if (_n.Occlusion == OcclusionKind.Bar)
        {
            using var b = new SKPathBuilder();
            b.AddRoundRect(new SKRoundRect(new SKRect(_n.OcclusionX - 45, _n.OcclusionY - 6, _n.OcclusionX + 45, _n.OcclusionY + 6), 2, 2), SKPathDirection.Clockwise);
            using var bar = b.Detach();
            Fill(bar, _n.OcclusionColour);
        }
        else
        {
            var skin = _n.OcclusionColour;
            float x = _n.OcclusionX, y = _n.OcclusionY + 12;
            using var b = new SKPathBuilder();
            b.AddOval(new SKRect(x - 11, y - 8, x + 11, y + 16), SKPathDirection.Clockwise);
            for (int i = 0; i < 4; i++)
            {
                float fx = x - 8.5f + i * 5.6f;
                b.AddRoundRect(new SKRoundRect(new SKRect(fx - 2.6f, y - 24 + MathF.Abs(i - 1.5f) * 3, fx + 2.6f, y), 2.6f, 2.6f), SKPathDirection.Clockwise);
            }
            b.AddRoundRect(new SKRoundRect(new SKRect(x + 8, y - 6, x + 21, y + 0), 3, 3), SKPathDirection.Clockwise);
            using var palm = b.Detach();
            Fill(palm, skin);
            Stroke(palm, skin.Scale(0.6f), 0.7f, 0.8f);
        }
        _c.Restore();
    }
}
