/*
 * mkzip.c - write and read the zip archives Gradescope takes, with no zip
 * tool installed: `make gradescope-zip` packs the autograder with it, and
 * the local test of the autograder unpacks it the way Gradescope does.
 *
 *   mkzip ZIP DIR      pack every file under DIR (paths relative to DIR,
 *                      so setup.sh and run_autograder sit at the root of
 *                      the archive), keeping the Unix permissions
 *                      (run_autograder stays executable)
 *   mkzip -x ZIP DIR   unpack ZIP (as written by mkzip: stored entries)
 *                      into DIR
 *   mkzip -l ZIP       list the entries
 *
 * Entries are stored (method 0, no compression): any unzip reads them, and
 * an autograder is small.  No zip64: up to 65535 entries and 4 GiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static void put16(FILE *f, unsigned v) { fputc(v & 0xff, f); fputc((v >> 8) & 0xff, f); }
static void put32(FILE *f, uint32_t v) { put16(f, v & 0xffff); put16(f, v >> 16); }
static unsigned get16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t get32(const unsigned char *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

struct entry {
	char *name;
	uint32_t crc, size, offset, mode;
	unsigned dos_time, dos_date;
};

static struct entry *entries;
static size_t nentries;
static const char *root;
static size_t root_len;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct entry e = { 0 };
	struct tm tm;
	const char *rel = path + root_len;

	(void)ftw;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		return 0;
	if (flag != FTW_F && flag != FTW_D)
		return 0;       /* no symlinks, nothing unreadable */
	if (flag == FTW_F && !S_ISREG(st->st_mode))
		return 0;
	if (flag == FTW_D)
		asprintf(&e.name, "%s/", rel);
	else
		e.name = strdup(rel);
	e.mode = (uint32_t)st->st_mode;
	e.size = flag == FTW_F ? (uint32_t)st->st_size : 0;
	localtime_r(&st->st_mtime, &tm);
	if (tm.tm_year < 80)
		tm.tm_year = 80, tm.tm_mon = 0, tm.tm_mday = 1;
	e.dos_time = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	e.dos_date = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	entries = realloc(entries, (nentries + 1) * sizeof *entries);
	entries[nentries++] = e;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	struct stat st;

	if (f == NULL || fstat(fileno(f), &st) < 0) {
		perror(path);
		exit(1);
	}
	buf = malloc((size_t)st.st_size + 1);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	return buf;
}

static int pack(const char *zip, const char *dir)
{
	FILE *out;
	uint32_t cd_start, cd_size;
	char tmp[4096];

	root = dir;
	root_len = strlen(dir);
	if (nftw(dir, collect, 32, FTW_PHYS) < 0) {
		perror(dir);
		return 1;
	}
	if (nentries > 65535) {
		fprintf(stderr, "mkzip: too many files\n");
		return 1;
	}
	qsort(entries, nentries, sizeof *entries, by_name);
	snprintf(tmp, sizeof tmp, "%s.tmp", zip);
	if ((out = fopen(tmp, "wb")) == NULL) {
		perror(tmp);
		return 1;
	}
	for (size_t i = 0; i < nentries; i++) {
		struct entry *e = &entries[i];
		unsigned char *data = NULL;
		size_t len = 0;
		char path[4096];

		if (e->name[strlen(e->name) - 1] != '/') {
			snprintf(path, sizeof path, "%s/%s", dir, e->name);
			data = slurp(path, &len);
			e->size = (uint32_t)len;
		}
		e->crc = crc32_of(data ? data : (unsigned char *)"", len);
		e->offset = (uint32_t)ftell(out);
		put32(out, 0x04034b50);         /* local file header */
		put16(out, 20);                 /* version needed: 2.0 */
		put16(out, 0x0800);             /* flags: UTF-8 names */
		put16(out, 0);                  /* stored */
		put16(out, e->dos_time);
		put16(out, e->dos_date);
		put32(out, e->crc);
		put32(out, e->size);
		put32(out, e->size);
		put16(out, (unsigned)strlen(e->name));
		put16(out, 0);
		fwrite(e->name, 1, strlen(e->name), out);
		if (len)
			fwrite(data, 1, len, out);
		free(data);
	}
	cd_start = (uint32_t)ftell(out);
	for (size_t i = 0; i < nentries; i++) {
		struct entry *e = &entries[i];
		int is_dir = e->name[strlen(e->name) - 1] == '/';

		put32(out, 0x02014b50);         /* central directory header */
		put16(out, 3 << 8 | 20);        /* made by: Unix, 2.0 */
		put16(out, 20);
		put16(out, 0x0800);
		put16(out, 0);
		put16(out, e->dos_time);
		put16(out, e->dos_date);
		put32(out, e->crc);
		put32(out, e->size);
		put32(out, e->size);
		put16(out, (unsigned)strlen(e->name));
		put16(out, 0);                  /* extra */
		put16(out, 0);                  /* comment */
		put16(out, 0);                  /* disk */
		put16(out, 0);                  /* internal attributes */
		put32(out, (e->mode & 0xffff) << 16 | (is_dir ? 0x10 : 0));
		put32(out, e->offset);
		fwrite(e->name, 1, strlen(e->name), out);
	}
	cd_size = (uint32_t)ftell(out) - cd_start;
	put32(out, 0x06054b50);                 /* end of central directory */
	put16(out, 0);
	put16(out, 0);
	put16(out, (unsigned)nentries);
	put16(out, (unsigned)nentries);
	put32(out, cd_size);
	put32(out, cd_start);
	put16(out, 0);
	if (fclose(out) != 0 || rename(tmp, zip) < 0) {
		perror(zip);
		return 1;
	}
	return 0;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return 0;
}

/* Read the central directory; for each entry, list it or unpack it. */
static int unpack(const char *zip, const char *dir)
{
	size_t len;
	unsigned char *z = slurp(zip, &len), *eocd = NULL;
	uint32_t cd;
	unsigned n;

	for (size_t i = len >= 22 ? len - 22 : 0; i + 22 <= len; i--) {
		if (get32(z + i) == 0x06054b50) {
			eocd = z + i;
			break;
		}
		if (i == 0)
			break;
	}
	if (eocd == NULL) {
		fprintf(stderr, "mkzip: %s is not a zip archive\n", zip);
		return 1;
	}
	n = get16(eocd + 10);
	cd = get32(eocd + 16);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *h = z + cd, *lh;
		unsigned nlen = get16(h + 28), elen = get16(h + 30), clen = get16(h + 32);
		uint32_t size = get32(h + 24), off = get32(h + 42), mode = get32(h + 38) >> 16;
		char name[4096], path[8192];

		if (cd + 46 > len || get32(h) != 0x02014b50 || nlen >= sizeof name) {
			fprintf(stderr, "mkzip: %s: a bad central directory\n", zip);
			return 1;
		}
		memcpy(name, h + 46, nlen);
		name[nlen] = '\0';
		cd += 46 + nlen + elen + clen;
		if (dir == NULL) {
			printf("%8u %06o %s\n", (unsigned)size, (unsigned)mode, name);
			continue;
		}
		if (name[0] == '/' || strstr(name, "../")) {
			fprintf(stderr, "mkzip: refusing the path %s\n", name);
			return 1;
		}
		if (get16(h + 10) != 0) {
			fprintf(stderr, "mkzip: %s is compressed: only stored entries\n", name);
			return 1;
		}
		lh = z + off;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (mkdirs(path) < 0) {
			perror(path);
			return 1;
		}
		if (name[nlen - 1] == '/') {
			mkdir(path, mode & 07777 ? mode & 07777 : 0755);
			continue;
		}
		{
			unsigned char *data = lh + 30 + get16(lh + 26) + get16(lh + 28);
			FILE *f = fopen(path, "wb");

			if (f == NULL || data + size > z + len) {
				perror(path);
				return 1;
			}
			if (crc32_of(data, size) != get32(h + 16)) {
				fprintf(stderr, "mkzip: %s: bad CRC\n", name);
				return 1;
			}
			fwrite(data, 1, size, f);
			fclose(f);
			if (mode & 0777)
				chmod(path, mode & 07777);
		}
	}
	return 0;
}

int main(int argc, char *argv[])
{
	crc_init();
	if (argc == 3 && argv[1][0] != '-')
		return pack(argv[1], argv[2]);
	if (argc == 4 && strcmp(argv[1], "-x") == 0)
		return unpack(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		return unpack(argv[2], NULL);
	fprintf(stderr, "usage: mkzip ZIP DIR | mkzip -x ZIP DIR | mkzip -l ZIP\n");
	return 2;
}
