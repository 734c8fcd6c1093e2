package dev.defilakehouse.local.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * What a screenshot holds, in numbers: the variance of its pixels' brightness (0 for a blank
 * image), the share of pixels that differ from its most common colour (the background), how many
 * colours it has, and how many pixels are of a vivid colour (the report draws axes, grid and text
 * in greys, its series in colours).
 */
record PngStats(int width, int height, double luminanceVariance, double drawnShare, int colours, long vividPixels) {

  static PngStats of(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    if (image == null) {
      throw new IOException("not a PNG the JDK can read (" + png.length + " bytes)");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    double sum = 0;
    double sumOfSquares = 0;
    long vivid = 0;
    long pixels = (long) image.getWidth() * image.getHeight();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        counts.merge(rgb, 1, Integer::sum);
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
          vivid++;
        }
        double luminance = 0.2126 * (rgb >> 16 & 0xFF) + 0.7152 * (rgb >> 8 & 0xFF) + 0.0722 * (rgb & 0xFF);
        sum += luminance;
        sumOfSquares += luminance * luminance;
      }
    }
    double mean = sum / pixels;
    int background = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return new PngStats(image.getWidth(), image.getHeight(), sumOfSquares / pixels - mean * mean,
        1.0 - (double) background / pixels, counts.size(), vivid);
  }
}
