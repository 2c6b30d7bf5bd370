/*
 * export.h - what the GeoJSON writers of output/ share (export.c, the plan's
 * layers and reports; export_sites.c, the siting layers; basemap.c, the
 * boundary and water layers): one way to write a feature's properties.
 * Internal to planner/output.
 */
#ifndef PL_OUTPUT_EXPORT_H
#define PL_OUTPUT_EXPORT_H

#include "planner.h"

#define COORD_DEC 7
#define METRE_DEC 3


/* Open a feature: separator, type, id, and the start of its properties
 * with the id repeated there (QGIS shows properties, not the member). */
static inline void feature_open(pl_buf *b, int first, const char *id)
{
    pl_buf_puts(b, first ? "{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":");
    pl_buf_json_str(b, id);
    pl_buf_puts(b, ",\"properties\":{\"id\":");
    pl_buf_json_str(b, id);
}

static inline void kstr(pl_buf *b, const char *k, const char *v)
{
    pl_buf_printf(b, ",\"%s\":", k);
    pl_buf_json_str(b, v);
}

static inline void knum(pl_buf *b, const char *k, double v, int dec)
{
    pl_buf_printf(b, ",\"%s\":", k);
    pl_buf_num(b, v, dec);
}

static inline void kint(pl_buf *b, const char *k, long long v) { pl_buf_printf(b, ",\"%s\":%lld", k, v); }
static inline void kbool(pl_buf *b, const char *k, int v) { pl_buf_printf(b, ",\"%s\":%s", k, v ? "true" : "false"); }
/* A text field, null when empty. */
static inline void kbuf(pl_buf *b, const char *k, const pl_buf *v)
{
    kstr(b, k, v->n ? v->s : NULL);
}

/* export_sites.c: the siting layers and the siting section of the JSON
 * reports. */
int pl_export_sites(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b, int open_only);
int pl_export_coverage(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b);
void pl_export_siting_json(const pl_plan *p, pl_buf *b);

#endif
