using SkiaSharp;

namespace NeuralStyle.Imaging;

/// <summary>
/// EXIF orientation. Cameras store pixels as the sensor read them and record in the EXIF
/// Orientation tag how to turn them upright; ignoring it makes portrait photos come out sideways.
/// Skia reports the tag as <see cref="SKEncodedOrigin"/> but does not apply it when decoding
/// through <see cref="SKCodec"/>, so we draw the decoded pixels through this matrix.
/// </summary>
internal static class Orientation
{
    /// <summary>Origins 5 to 8 turn the picture a quarter, so width and height trade places.</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is
        SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The upright size of a stored image of <paramref name="stored"/> size.</summary>
    public static ImageSize Upright(ImageSize stored, SKEncodedOrigin origin) =>
        SwapsAxes(origin) ? new ImageSize(stored.Height, stored.Width) : stored;

    /// <summary>
    /// Maps stored pixel coordinates to upright ones; <paramref name="w"/> and <paramref name="h"/>
    /// are the upright width and height. Same matrices as Skia's SkEncodedOriginToMatrix. Every
    /// entry is 0 or ±1 and every translation an integer, so drawing through it moves whole pixels
    /// and never resamples.
    /// </summary>
    public static SKMatrix ToUpright(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        // x' = sx*x + kx*y + tx,  y' = ky*x + sy*y + ty
        SKEncodedOrigin.TopRight => Matrix(-1, 0, w, 0, 1, 0),    // 2: mirrored left-right
        SKEncodedOrigin.BottomRight => Matrix(-1, 0, w, 0, -1, h), // 3: upside down
        SKEncodedOrigin.BottomLeft => Matrix(1, 0, 0, 0, -1, h),  // 4: mirrored top-bottom
        SKEncodedOrigin.LeftTop => Matrix(0, 1, 0, 1, 0, 0),      // 5: transposed
        SKEncodedOrigin.RightTop => Matrix(0, -1, w, 1, 0, 0),    // 6: needs 90° clockwise
        SKEncodedOrigin.RightBottom => Matrix(0, -1, w, -1, 0, h), // 7: transversed
        SKEncodedOrigin.LeftBottom => Matrix(0, 1, 0, -1, 0, h),  // 8: needs 90° anticlockwise
        _ => SKMatrix.Identity,                                   // 1 or absent: already upright
    };

    private static SKMatrix Matrix(float sx, float kx, float tx, float ky, float sy, float ty) =>
        new(sx, kx, tx, ky, sy, ty, 0, 0, 1);
}
