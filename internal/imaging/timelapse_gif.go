package imaging

import (
	"bufio"
	"compress/lzw"
	"context"
	"encoding/binary"
	"image"
	"image/color/palette"
	"image/draw"
	"io"
	"time"
)

// gifWidth is the GIF's width: it is the fallback when there is no
// ffmpeg, and a GIF's bytes grow with its pixels far faster than a
// video's, so it is made smaller.
const gifWidth = 480

// gifFadeSteps is the most in-between frames of a GIF's cross-fade: each
// is a full frame of a few hundred kilobytes, where the video's are
// nearly free.
const gifFadeSteps = 3

// gifMinDelay is the shortest delay a GIF frame may have, in hundredths
// of a second: browsers show a frame of delay 0 or 1 for a tenth of a
// second instead.
const gifMinDelay = 2

// TimelapseGIF writes the time-lapse of frames to w as an animated GIF
// that loops forever, drawn in pure Go: for when ffmpeg is missing. The
// frames are 480 px wide, square or 4:5 as opt.Shape says, drawn as the
// video's are (letterboxed, captioned); each photo is one frame shown for
// opt.Hold, and the cross-fade into the next is up to three frames
// sharing opt.Fade (each at least 20 ms). opt.FPS and opt.FFmpeg are not
// used. The GIF is written as it is made: memory does not grow with the
// number of photos.
//
// Every frame uses Plan 9's fixed 256-colour palette, dithered with
// Floyd–Steinberg error diffusion, as the file's one global colour table.
// A fixed palette needs no colour quantiser of our own, keeps the
// in-between frames of a fade from flickering as per-frame palettes
// would, and error diffusion hides the banding a 256-colour palette shows
// on smooth skin and clay; the cost is dither noise, which makes the file
// larger, acceptable in a fallback.
func TimelapseGIF(ctx context.Context, frames []TimelapseFrame, opt TimelapseOptions, w io.Writer) error {
	if err := checkFrames(frames); err != nil {
		return err
	}
	tl, err := plan(opt, gifWidth)
	if err != nil {
		return err
	}
	hold, fades := gifTiming(opt)
	g := &gifWriter{w: bufio.NewWriter(w), rect: image.Rect(0, 0, tl.width, tl.height)}
	g.header()
	total, done := len(frames)+(len(frames)-1)*len(fades), 0
	put := func(m *image.RGBA, delay int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := g.frame(m, delay); err != nil {
			return err
		}
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
		return nil
	}
	cur := tl.card(frames[0])
	mix := image.NewRGBA(cur.Rect)
	for i := range frames {
		if err := put(cur, hold); err != nil {
			return err
		}
		if i == len(frames)-1 {
			break
		}
		next := tl.card(frames[i+1])
		for k, delay := range fades {
			blend(mix.Pix, cur.Pix, next.Pix, k+1, len(fades)+1)
			if err := put(mix, delay); err != nil {
				return err
			}
		}
		cur = next
	}
	g.w.WriteByte(0x3B) // trailer
	return g.w.Flush()
}

// gifTiming is the GIF's delays in hundredths of a second: a photo's, and
// each in-between frame's of a fade (none when opt.Fade is negative or too
// short for one frame). The fade's delays add up to opt.Fade.
func gifTiming(opt TimelapseOptions) (hold int, fades []int) {
	h, f := opt.Hold, opt.Fade
	if h <= 0 {
		h = defaultHold
	}
	if f == 0 {
		f = defaultFade
	}
	cs := func(d time.Duration) int { return int((d + 5*time.Millisecond) / (10 * time.Millisecond)) }
	hold = max(gifMinDelay, cs(h))
	fade := max(0, cs(f))
	steps := min(gifFadeSteps, fade/gifMinDelay)
	for k := range steps {
		fades = append(fades, fade*(k+1)/steps-fade*k/steps)
	}
	return hold, fades
}

// gifWriter writes an animated GIF frame by frame; image/gif's EncodeAll
// needs every frame in memory at once.
type gifWriter struct {
	w     *bufio.Writer
	rect  image.Rectangle
	pixel *image.Paletted
}

// header writes the GIF's header, its screen with Plan 9's palette as the
// global colour table, and the Netscape extension that loops it forever.
func (g *gifWriter) header() {
	g.w.WriteString("GIF89a")
	g.u16(g.rect.Dx())
	g.u16(g.rect.Dy())
	// A 256-entry global table (size field 7), 8 bits a channel.
	g.w.Write([]byte{0xF7, 0, 0})
	for _, c := range palette.Plan9 {
		r, gr, b, _ := c.RGBA()
		g.w.Write([]byte{uint8(r >> 8), uint8(gr >> 8), uint8(b >> 8)})
	}
	g.w.Write([]byte{0x21, 0xFF, 11})
	g.w.WriteString("NETSCAPE2.0")
	g.w.Write([]byte{3, 1, 0, 0, 0}) // loop count 0: forever
}

func (g *gifWriter) u16(v int) {
	g.w.Write(binary.LittleEndian.AppendUint16(nil, uint16(v)))
}

// frame dithers m to the palette and writes it, shown for delay
// hundredths of a second.
func (g *gifWriter) frame(m *image.RGBA, delay int) error {
	if g.pixel == nil {
		g.pixel = image.NewPaletted(g.rect, palette.Plan9)
	}
	draw.FloydSteinberg.Draw(g.pixel, g.rect, m, m.Rect.Min)
	// Graphic control: leave the frame in place, the delay, no
	// transparency.
	g.w.Write([]byte{0x21, 0xF9, 4, 1 << 2})
	g.u16(delay)
	g.w.Write([]byte{0, 0})
	// Image descriptor: the whole screen, the global palette.
	g.w.WriteByte(0x2C)
	g.u16(0)
	g.u16(0)
	g.u16(g.rect.Dx())
	g.u16(g.rect.Dy())
	g.w.WriteByte(0)
	// The pixels, LZW-compressed from 8-bit codes, in sub-blocks.
	g.w.WriteByte(8)
	blocks := &subBlocks{w: g.w}
	lz := lzw.NewWriter(blocks, lzw.LSB, 8)
	if _, err := lz.Write(g.pixel.Pix); err != nil {
		return err
	}
	if err := lz.Close(); err != nil {
		return err
	}
	blocks.flush()
	return g.w.WriteByte(0) // end of the sub-blocks
}

// subBlocks cuts what is written to it into GIF data sub-blocks: a length
// byte, then up to 255 bytes.
type subBlocks struct {
	w   *bufio.Writer
	buf [255]byte
	n   int
}

func (s *subBlocks) Write(p []byte) (int, error) {
	for _, c := range p {
		s.buf[s.n] = c
		s.n++
		if s.n == len(s.buf) {
			s.flush()
		}
	}
	return len(p), nil
}

func (s *subBlocks) flush() {
	if s.n == 0 {
		return
	}
	s.w.WriteByte(byte(s.n))
	s.w.Write(s.buf[:s.n])
	s.n = 0
}
