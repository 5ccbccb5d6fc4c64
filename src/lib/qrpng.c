#include "lib/qr.h"

#include "lib/keys.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

static void write_data(png_structp png, png_bytep data, size_t len)
{
	if (buf_append(png_get_io_ptr(png), data, len) < 0)
		png_error(png, "out of memory");
}

static void flush_data(png_structp png)
{
	(void)png;
}

/* libpng reports its errors by longjmp: nothing is printed. */
static void on_error(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* One row of pixels, 1 bit each (0 black), from row y of modules. */
static void fill_row(const struct qr *q, int y, int scale, int margin, unsigned char *row,
		     size_t row_bytes)
{
	int side = q->width + 2 * margin;

	memset(row, 0xff, row_bytes);
	for (int x = 0; x < side; x++) {
		int mx = x - margin, my = y - margin;
		if (mx < 0 || my < 0 || mx >= q->width || my >= q->width ||
		    !q->dark[(size_t)my * (size_t)q->width + (size_t)mx])
			continue;
		for (int k = 0; k < scale; k++) {
			size_t px = (size_t)x * (size_t)scale + (size_t)k;
			row[px / 8] &= (unsigned char)~(0x80u >> (px % 8));
		}
	}
}

int qr_png(const struct qr *q, int scale, int margin, struct buf *out)
{
	const size_t start = out->len;
	const int side = q->width + 2 * margin;
	const png_uint_32 pixels = (png_uint_32)side * (png_uint_32)scale;
	const size_t row_bytes = (pixels + 7) / 8;
	unsigned char *const row = malloc(row_bytes);
	png_structp png = NULL;
	png_infop info = NULL;
	volatile int ret = -1;

	if (!row)
		return -1;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
	if (!png || !(info = png_create_info_struct(png)))
		goto out;
	if (setjmp(png_jmpbuf(png))) {
		out->len = start;
		goto out;
	}
	png_set_write_fn(png, out, write_data, flush_data);
	png_set_IHDR(png, info, pixels, pixels, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < side; y++) {
		fill_row(q, y, scale, margin, row, row_bytes);
		for (int k = 0; k < scale; k++)
			png_write_row(png, row);
	}
	png_write_end(png, info);
	ret = 0;
out:
	png_destroy_write_struct(&png, &info);
	key_wipe(row, row_bytes);
	free(row);
	return ret;
}
