// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "loader: " fmt
#include "mem/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/bzimage.h"
#include "mem/layout.h"
#include "mem/multiboot.h"
#include "vmm/log.h"

int image_read(const char *path, struct image *img)
{
	struct stat st;
	size_t done = 0;
	int fd, ret;

	*img = (struct image) { .path = path };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		pr_err("%s: cannot open: %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		pr_err("%s: cannot stat: %s", path, strerror(-ret));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		pr_err("%s: not a regular file", path);
		goto out_close;
	}
	if ((u64)st.st_size > IMAGE_MAX_SIZE) {
		ret = -EFBIG;
		pr_err("%s: too large (%lld bytes, limit %llu)", path, (long long)st.st_size,
		       (unsigned long long)IMAGE_MAX_SIZE);
		goto out_close;
	}
	img->size = st.st_size;
	img->data = malloc(img->size ? img->size : 1);
	if (!img->data) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (done < img->size) {
		ssize_t n = read(fd, img->data + done, img->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			pr_err("%s: cannot read: %s", path, n < 0 ? strerror(errno) : "file shrank");
			goto out_free;
		}
		done += n;
	}
	close(fd);
	return 0;
out_free:
	free(img->data);
	img->data = NULL;
out_close:
	close(fd);
	return ret;
}

void image_free(struct image *img)
{
	free(img->data);
	img->data = NULL;
	img->size = 0;
}

enum image_format image_detect(const struct image *img)
{
	const u8 *d = img->data;
	size_t off;

	/* Linux boot protocol (Documentation/arch/x86/boot.rst): boot_flag and "HdrS". */
	if (img->size >= 0x250) {
		u16 flag;
		u32 hdrs;

		memcpy(&flag, d + BZIMAGE_BOOT_FLAG_OFFSET, sizeof(flag));
		memcpy(&hdrs, d + BZIMAGE_HDRS_OFFSET, sizeof(hdrs));
		if (flag == BOOT_FLAG_MAGIC && hdrs == HDRS_MAGIC)
			return IMAGE_BZIMAGE;
	}
	if (multiboot_header_offset(img, &off))
		return IMAGE_MULTIBOOT;
	if (img->size >= 4 && !memcmp(d, "\177ELF", 4))
		return IMAGE_ELF;
	return IMAGE_AUTO;
}

const char *image_format_name(enum image_format f)
{
	switch (f) {
	case IMAGE_ELF:		return "elf";
	case IMAGE_BZIMAGE:	return "bzimage";
	case IMAGE_MULTIBOOT:	return "multiboot";
	case IMAGE_AUTO:	break;
	}
	return "auto";
}

int loader_check_place(const struct layout *l, const struct image *img, const char *what,
		       gpa_t gpa, u64 size, u64 zero_tail)
{
	u64 total = size + zero_tail;
	const char *area;

	if (total < size || !layout_is_ram(l, gpa, total)) {
		pr_err("%s: %s [%#llx, %#llx) does not fit in guest RAM (%llu MiB)", img->path,
		       what, (unsigned long long)gpa, (unsigned long long)(gpa + total),
		       (unsigned long long)(l->ram_size / MiB));
		return -ENOSPC;
	}
	area = layout_reserved_overlap(gpa, total);
	if (area) {
		pr_err("%s: %s [%#llx, %#llx) overlaps the VMM's %s", img->path, what,
		       (unsigned long long)gpa, (unsigned long long)(gpa + total), area);
		return -EINVAL;
	}
	return 0;
}

int loader_place(const struct gmem *m, const struct image *img, const char *what, gpa_t gpa,
		 const void *src, u64 size, u64 zero_tail)
{
	int ret = loader_check_place(&m->layout, img, what, gpa, size, zero_tail);

	if (ret)
		return ret;
	if (size && gmem_write(m, gpa, src, size))
		return -EFAULT;
	if (zero_tail && gmem_fill(m, gpa + size, 0, zero_tail))
		return -EFAULT;
	return 0;
}

int loader_place_initrd(const struct gmem *m, const struct image *initrd, gpa_t min_start,
			gpa_t max_end, gpa_t *gpa)
{
	gpa_t end = MIN(max_end, layout_low_ram_end(&m->layout));
	gpa_t at;

	if (initrd->size > end || ALIGN_DOWN(end - initrd->size, PAGE_SIZE) < min_start) {
		pr_err("%s: initrd of %zu bytes does not fit in guest RAM between %#llx and "
		       "%#llx", initrd->path, initrd->size, (unsigned long long)min_start,
		       (unsigned long long)end);
		return -ENOSPC;
	}
	at = ALIGN_DOWN(end - initrd->size, PAGE_SIZE);
	*gpa = at;
	return loader_place(m, initrd, "initrd", at, initrd->data, initrd->size, 0);
}

int loader_write_cmdline(const struct gmem *m, const struct image *img, const char *cmdline,
			 u64 max_len, gpa_t *gpa)
{
	size_t len = cmdline ? strlen(cmdline) : 0;

	if (len > max_len || len >= LAYOUT_CMDLINE_SIZE) {
		pr_err("%s: command line of %zu bytes is longer than it accepts (%llu)", img->path,
		       len, (unsigned long long)MIN(max_len, LAYOUT_CMDLINE_SIZE - 1));
		return -E2BIG;
	}
	if (gmem_write(m, LAYOUT_CMDLINE, cmdline ? cmdline : "", len) ||
	    gmem_fill(m, LAYOUT_CMDLINE + len, 0, 1))
		return -EFAULT;
	*gpa = LAYOUT_CMDLINE;
	return 0;
}
