namespace FaceBoost.Synthesis.Procedural;

public enum HairStyle { Bald, Buzz, Short, SidePart, Fringe, Long, Afro, Bun, Curly }

public enum FacialHair { None, Stubble, Moustache, Goatee, FullBeard }

public enum GlassesStyle { None, Round, Rectangular }

/// <summary>A mole: a fixed mark in face coordinates (112-px ArcFace frame), part of who someone is.</summary>
public readonly record struct Mole(float X, float Y, float Radius);
