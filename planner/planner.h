/*
 * planner.h - types and entry points shared by the modules of the Wuzhong
 * low-altitude planner.
 *
 * Arrows point one way (see ../shared/DESIGN.md):
 *   cli -> plan -> scenario, layers, zones, routes, export
 *   layers -> crs, geom      zones -> geom      export -> crs
 *
 * Conventions (STYLE.md):
 *   - every function that can fail returns int rc (PL_OK == 0) and has
 *     already recorded the message with pl_error() when it returns non-zero;
 *   - constructors return a pointer or NULL (ctx error set);
 *   - pl_x_free(NULL) is a no-op;
 *   - all geometry inside the engine is in the working CRS (metres);
 *     WGS84 lon/lat appears only when reading and writing files.
 */
#ifndef PLANNER_H
#define PLANNER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <geos_c.h>

#define PL_VERSION "0.1.0"

/* ==== error codes =================================================== */
enum {
    PL_OK = 0,
    PL_ERROR,      /* generic failure */
    PL_NOMEM,      /* out of memory */
    PL_IO,         /* file cannot be read or written */
    PL_PARSE,      /* scenario file malformed or invalid */
    PL_CRS,        /* CRS unknown or transformation failed */
    PL_GEOM,       /* geometry invalid, empty, non-finite or GEOS failure */
    PL_GDAL,       /* GDAL/OGR failure */
    PL_SQL,        /* SQLite failure */
    PL_INFEASIBLE, /* a request that has no answer */
    PL_MISUSE      /* the API or the command line used wrongly */
};

/* Exit codes of the command line (cli.c is the only place that maps). */
/* Exit codes: 0 free or advisory; 1 forbidden (a route may not fly); 2 bad input;
 * 3 some route needs an approval, none is forbidden. */
enum { PL_EXIT_OK = 0, PL_EXIT_CONFLICT = 1, PL_EXIT_BAD = 2, PL_EXIT_APPROVAL = 3 };

typedef struct pl_ctx pl_ctx;
typedef struct pl_xform pl_xform;

/* ==== ctx.c: the one context =========================================== */

/* Returns: a new context with its GEOS handle and PROJ context, or NULL
 * (only when memory runs out; a message goes to stderr then because there
 * is no ctx to hold it).  Ownership: free with pl_ctx_free(). */
pl_ctx *pl_ctx_new(void);
void pl_ctx_free(pl_ctx *ctx);

/* Record an error (the first one wins, later ones are dropped so cleanup
 * failures never hide the cause).  Returns code, so callers can write
 * `return pl_error(ctx, PL_IO, "...")`. */
#define pl_error(ctx, code, ...) pl_error_at((ctx), __func__, (code), __VA_ARGS__)
int pl_error_at(pl_ctx *ctx, const char *func, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Returns: the recorded message ("" when none); borrowed from ctx. */
const char *pl_errmsg(const pl_ctx *ctx);
int pl_errcode(const pl_ctx *ctx);
/* Forget the recorded error (used between independent inputs). */
void pl_error_clear(pl_ctx *ctx);
/* Last message a library (GEOS/PROJ/GDAL) gave; borrowed. */
const char *pl_libmsg(const pl_ctx *ctx);
void pl_libmsg_clear(pl_ctx *ctx);
void pl_libmsg_set(pl_ctx *ctx, const char *msg);
/* Borrowed handles. */
GEOSContextHandle_t pl_geos(pl_ctx *ctx);
void *pl_proj(pl_ctx *ctx); /* PJ_CONTEXT * */
/* Progress of long steps on stderr, only when it is a terminal and enabled
 * (the command line enables it): one line, rewritten; end clears it. */
void pl_progress_enable(pl_ctx *ctx, int on);
void pl_progress(pl_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pl_progress_end(pl_ctx *ctx);
/* The transform cache lives in the ctx; crs.c manages it. */
pl_xform **pl_ctx_xforms(pl_ctx *ctx);
/* fn(ctx) runs when the ctx is freed, before its PROJ context: crs.c hands
 * its cache's destructor, so the ctx calls no CRS code by name. */
void pl_ctx_on_free(pl_ctx *ctx, void (*fn)(pl_ctx *));
/* The number of the file operation about to be done, counted from 1 over
 * the ctx's life (pl_fault_step). */
int pl_ctx_next_step(pl_ctx *ctx);

/* ==== util.c: strings, buffers, JSON writing ============================ */
typedef struct pl_buf {
    char *s;     /* NUL-terminated text */
    size_t n;    /* bytes used, without the NUL */
    size_t cap;  /* bytes allocated */
    int oom;     /* sticky: an allocation failed */
} pl_buf;

void pl_buf_init(pl_buf *b);
void pl_buf_free(pl_buf *b);
void pl_buf_puts(pl_buf *b, const char *s);
/* x with dec (0-9) decimals into out (n >= 32), the text printf's "%.*f"
 * gives, faster; returns its length. */
size_t pl_fmt_fixed(char *out, size_t n, double x, int dec);
/* Hold SIGINT, SIGTERM, SIGHUP and SIGQUIT while temporary files exist, so
 * that an interrupt lands after they are renamed or removed (the default
 * action then ends the process with the outputs whole: old or new, never
 * half).  Release restores the mask saved in old. */
#include <signal.h>
void pl_signals_hold(sigset_t *old);
void pl_signals_release(const sigset_t *old);
/* Files written whole: whoever reads path (a person, another program, a
 * run killed half way) finds the old bytes or the new ones, never a part.
 * pl_file_write replaces path with data[0..n): a temporary file beside it
 * (".NAME.tmpPID.K", made with O_EXCL), written, flushed to the disk
 * (fsync), renamed over path, and the folder flushed; interrupts held
 * meanwhile (pl_signals_hold), temporary files of dead processes for path
 * removed first.  A link is followed (the file it names is replaced), a
 * path that is not a regular file (/dev/stdout, a pipe) written as it is.
 * Returns PL_OK, or PL_IO with "PATH: cannot write: REASON" and nothing
 * left behind.  The parts, for a folder of files renamed together
 * (export.c): pl_file_write_tmp writes the temporary file and sets *tmp
 * (owned by the caller: free it), pl_file_commit renames it over path
 * (unlinks it on failure), pl_file_sync_dir flushes path's folder,
 * pl_file_remove_stale removes from dir the temporary files of processes
 * that are gone: of file base, or of any file when base is NULL. */
int pl_file_write(pl_ctx *ctx, const char *path, const void *data, size_t n);
int pl_file_write_tmp(pl_ctx *ctx, const char *path, const void *data, size_t n, char **tmp);
int pl_file_commit(pl_ctx *ctx, const char *tmp, const char *path);
void pl_file_sync_dir(const char *path);
void pl_file_remove_stale(const char *dir, const char *base);
/* Tests only: pause at WHERE when PLANNER_FAULT_PAUSE=WHERE:MS is set. */
void pl_fault_pause(const char *where);
/* Tests only: one file operation of a run, WHAT about to be done; killed
 * (SIGKILL) there when PLANNER_FAULT_STEP is its number, named on stderr
 * when PLANNER_FAULT_STEP=list. */
void pl_fault_step(pl_ctx *ctx, const char *what);
/* Folders replaced whole: whoever looks at final (a person, QGIS, a run
 * killed at any instant, kill -9 included) finds the old folder or the new
 * one, each complete, never a mix.  pl_dir_stage makes the new folder
 * beside final, ".BASE.tmpPID.K" (*tmp, owned by the caller: free it);
 * pl_file_write_new writes one file into it (created, written, flushed;
 * its errors name it as, the path it will have, when not NULL);
 * pl_dir_swap puts it in place in one step, renameat2 RENAME_EXCHANGE
 * (plain rename when final is new), after which tmp holds the old folder
 * when *had_old (remove it with pl_dir_remove); where the file system
 * cannot exchange, three renames (final aside as ".BASE.oldPID", tmp in,
 * the old to tmp), and a run killed between the first two leaves final
 * missing with the old folder aside, which pl_dir_remove_stale puts back.
 * pl_dir_unswap undoes a swap.  pl_dir_remove_stale removes what killed
 * runs left beside final (and restores final, above), each named on
 * stderr; its count.  pl_dir_remove removes a folder and what is in it:
 * 0 or -1. */
int pl_dir_stage(pl_ctx *ctx, const char *final, char **tmp);
int pl_file_write_new(pl_ctx *ctx, const char *path, const char *as, const void *data, size_t n);
int pl_dir_swap(pl_ctx *ctx, const char *tmp, const char *final, int *had_old);
int pl_dir_unswap(pl_ctx *ctx, const char *tmp, const char *final, int had_old);
int pl_dir_remove_stale(const char *final);
int pl_dir_remove(const char *path);
/* Every input path, checked before it is opened (a named pipe would hang
 * the open, a device would be read for ever): PL_OK for a regular file, a
 * missing path (its opener says so) or, with PL_PATH_GDB, a folder named
 * *.gdb; else PL_IO with "WHAT 'ID': PATH is a named pipe (FIFO), not a
 * file" (a socket, a device, a folder), id may be NULL. */
enum { PL_PATH_GDB = 1 };
int pl_path_check(pl_ctx *ctx, const char *path, const char *what, const char *id, int flags);
/* 1 when s (NUL-ended) is valid UTF-8; else 0 and *bad = offset of the
 * first bad byte. */
int pl_utf8_valid(const unsigned char *s, size_t *bad);
void pl_buf_fixed(pl_buf *b, double x, int dec);
void pl_buf_printf(pl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pl_buf_putn(pl_buf *b, const void *s, size_t n);
/* Append s escaped as XML/HTML text or attribute value (NULL -> nothing):
 * markup characters as entities, tab/newline/CR as character references,
 * characters XML cannot hold (other control bytes, U+FFFE/U+FFFF, bytes
 * that are not UTF-8) as U+FFFD. */
void pl_buf_xml(pl_buf *b, const char *s);
/* The same for text a library escapes itself (KML): only the characters
 * XML cannot hold, as U+FFFD, and "]]>" broken by a zero-width space. */
void pl_buf_xml_chars(pl_buf *b, const char *s);
/* Append s as a JSON string literal (RFC 8259 escapes; bytes that are not
 * UTF-8 as \ufffd: the output always parses). NULL -> null. */
void pl_buf_json_str(pl_buf *b, const char *s);
void pl_buf_json_strn(pl_buf *b, const char *s, size_t n); /* s[0..n), no NUL inside */
/* Append a number with at most `decimals` decimals, trailing zeros cut;
 * non-finite -> null (JSON has no infinity). */
void pl_buf_num(pl_buf *b, double v, int decimals);

char *pl_strdup(const char *s); /* NULL -> NULL; NULL also when out of memory */

/* SHA-256: init, add bytes, finish as 64 hex digits. */
typedef struct pl_sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
} pl_sha256;
void pl_sha256_init(pl_sha256 *s);
void pl_sha256_add(pl_sha256 *s, const void *data, size_t n);
void pl_sha256_hex(pl_sha256 *s, char out[65]);
/* Returns: 0 and the file's hash, or -1 when it cannot be read. */
int pl_sha256_file(const char *path, char out[65]);
/* Returns: 1 when the string is one of list (NULL-terminated). */
int pl_str_in(const char *s, const char *const *list);

/* ==== scenario.c: the scenario file ===================================== */
enum pl_role {
    PL_ROLE_BOUNDARY, PL_ROLE_ZONES, PL_ROLE_WATER, PL_ROLE_DEMAND, PL_ROLE_CANDIDATES,
    PL_ROLE_VERTIPORTS, PL_ROLE_ROUTES, PL_ROLE_OBSTACLES, PL_ROLE_BUILTUP, PL_ROLE__N
};
extern const char *const pl_role_names[]; /* NULL-terminated, by enum pl_role */
extern const char *const pl_zone_classes[]; /* NULL-terminated */

/* What a zone class means for a route: forbidden (禁飞, prohibited or
 * restricted, a military perimeter, temporary control), approval (需报批,
 * controlled airspace: may fly once approved), a minimum overflight height
 * (below it, the rule's `below` verdict), advisory (提示: may fly, take
 * care), allowed (适飞). */
enum pl_route_rule { PL_RR_FORBIDDEN, PL_RR_MIN_OVERFLIGHT, PL_RR_ADVISORY, PL_RR_ALLOWED, PL_RR_APPROVAL };
/* What a zone class means for a vertiport. */
enum pl_vp_rule { PL_VR_FORBIDDEN, PL_VR_MIN_DISTANCE, PL_VR_ALLOWED };
extern const char *const pl_route_rule_names[];
extern const char *const pl_vp_rule_names[];

typedef struct pl_rule {
    char *cls;                  /* zone class this rule governs */
    int route;                  /* enum pl_route_rule */
    double min_overflight_m;    /* with PL_RR_MIN_OVERFLIGHT */
    int vertiport;              /* enum pl_vp_rule */
    double min_distance_m;      /* with PL_VR_MIN_DISTANCE */
    char *basis;                /* the regulation or choice behind it */
    int from_scenario;          /* 1 when the scenario set it, 0 built-in */
    int below;                  /* with PL_RR_MIN_OVERFLIGHT: the verdict below it (enum pl_verdict;
                                   0: forbidden) */
} pl_rule;

typedef struct pl_layer_decl {
    char *id;           /* layer id in the scenario */
    int role;           /* enum pl_role */
    char *path;         /* resolved against the scenario's folder */
    char *ogr_layer;    /* layer name inside the dataset, NULL = first */
    char *cls;          /* zones: class for the whole layer, or NULL */
    char *class_prop;   /* zones: property holding the class (default "class") */
    char *id_prop;      /* property holding the feature id (default "id") */
    char *crs;          /* CRS to assume when the data has none, or NULL */
    int line, col;      /* where the layer is declared (1-based) */
    int path_line, path_col; /* where its path is written */
    int coord_shift;    /* 1: GCJ-02, 2: BD-09 lon/lat to be shifted to WGS84 */
    int repair;         /* 1: invalid polygons repaired (MakeValid), else rejected */
    int airport_rule;   /* 1: features are runways, zones built by the rule below */
    double ap_half_width_m;   /* protection area each side of the centreline */
    double ap_end_ext_m;      /* protection area beyond each runway end */
    char *ap_basis;           /* the rule's source, as the scenario states it */
} pl_layer_decl;

/* An aircraft class and the height above which its airspace is controlled
 * (a rule, not a polygon: class W ends at 120 m, class G at 300 m true
 * height in the 2023 national airspace classification). */
typedef struct pl_aircraft {
    char *name;            /* e.g. light_uas */
    double max_height_m;   /* controlled airspace above this true height */
    pl_rule rule;          /* class "controlled": its verdict above, basis */
    int ac_class;          /* its Art. 62 class (enum pl_ac_class), PL_AC_UNKNOWN (0) when not given */
} pl_aircraft;

/* The Art. 62 classes of unmanned aircraft (2024 interim regulations):
 * micro, light, small may fly free airspace (适飞空域: outside controlled
 * airspace, up to 120 m true height); medium and large always file. */
enum pl_ac_class { PL_AC_UNKNOWN, PL_AC_MICRO, PL_AC_LIGHT, PL_AC_SMALL, PL_AC_MEDIUM, PL_AC_LARGE };
extern const char *const pl_ac_class_names[]; /* by enum pl_ac_class: "unknown", micro ... large, NULL-ended */
/* An Art. 62 class's name (micro ... large): its enum pl_ac_class, PL_AC_UNKNOWN for another. */
int pl_ac_class_of(const char *name);

typedef struct pl_route_defaults {
    double half_width_m;  /* corridor half-width */
    double band_below_m;  /* altitude band below the nominal altitude */
    double band_above_m;  /* altitude band above the nominal altitude */
    double alt_m;         /* nominal altitude when waypoints carry none */
    double lateral_sep_m; /* edge-to-edge separation between route corridors */
} pl_route_defaults;

/* The siting part of a scenario (FAA EB 105A as commonly implemented for
 * the footprint: TLOF 1.0 D, FATO 1.5 D, safety area 2.0 D overall). */
typedef struct pl_siting_cfg {
    int enabled;                /* 1 when the scenario has a siting section */
    size_t count;               /* new sites to choose */
    int built_count;            /* 1: built sites count toward count */
    int objective;              /* enum pl_objective (optimise.h) */
    double radius_m;            /* service radius, default for every demand kind */
    char **radius_kind;         /* demand kinds with their own radius */
    double *radius_kind_m;
    size_t n_radius_kind;
    char **quota_kind;          /* candidate kinds with a minimum number of new sites */
    int *quota_n;
    size_t n_quota;
    double min_sep_m;           /* minimum distance between open sites */
    double design_d_m;          /* design aircraft's largest dimension D */
    double fato_factor;         /* FATO size in D (1.5) */
    double safety_factor;       /* safety area overall size in D (2.0) */
    double surface_slope;       /* approach/departure surface run per unit rise (8) */
    double surface_splay;       /* widening each side per unit run (0.15) */
    double surface_length_m;    /* surface checked this far out from the FATO edge; 0 (the default):
                                   until it is above every obstacle and the terrain model's highest ground */
    double pads;                /* pads per site, a scenario parameter (0: not stated, capacity unknown) */
    double movements_per_pad_h; /* movements (a landing or a take-off) one pad handles per hour,
                                   a scenario parameter (0: not stated) */
    char **per_hour_route;      /* route ids with their flights per hour given in the scenario */
    double *per_hour;           /* flights per hour of per_hour_route[i] */
    size_t n_per_hour;
    double range_m;             /* design aircraft's range (network check) */
    double end_tolerance_m;     /* a route end within this of a site is at the site */
    size_t exact_limit;         /* enumerate when at most this many subsets */
} pl_siting_cfg;

/* A terrain model (DEM): any GDAL raster, read by terrain.c.  Its heights
 * turn the routes' altitudes (above the raster's vertical datum) into true
 * heights above the ground, against which AGL limits are tested. */
typedef struct pl_terrain_decl {
    char *path;               /* resolved; NULL: no terrain given */
    char *crs;                /* CRS to assume when the raster has none, or NULL */
    int band;                 /* raster band, 1-based (default 1) */
    char *source, *license, *accuracy; /* provenance, required */
    char *datum;              /* the heights' vertical datum as the scenario states it, or NULL */
    int line, col;            /* where terrain: is written */
} pl_terrain_decl;

/* The network section: planned routes laid out by the planner between
 * their end sites, at the least cost of length plus weighted kilometres
 * in approval airspace and advisory areas (scenario parameters). */
typedef struct pl_network_cfg {
    int design;               /* 1: planned routes are designed (network.design: planned) */
    double approval_weight;   /* a km whose corridor meets approval airspace costs 1 + this km */
    double advisory_weight;   /* a km in an advisory area (an ecological red line) costs 1 + this */
    double builtup_weight;    /* a km whose corridor meets a builtup layer's polygons costs 1 + this */
    char *basis;              /* where the weights come from, as the scenario states it */
    double *levels;           /* cruise levels (m) planned routes may be given to separate crossings, or NULL */
    size_t n_levels;
} pl_network_cfg;

typedef struct pl_scenario {
    char *file;               /* the scenario file as given */
    char *dir;                /* its folder, for relative paths */
    char *name;               /* scenario name (default: file stem) */
    char *title;              /* human title, may be NULL */
    char *work_crs;           /* working CRS, default EPSG:4549 */
    char *output;             /* default output folder (resolved), may be NULL */
    pl_layer_decl *a_layers;  /* declared layers */
    size_t n_layers;
    pl_rule *a_rules;         /* rule per zone class (built-ins + scenario) */
    size_t n_rules;
    pl_route_defaults route;  /* defaults for route attributes */
    pl_aircraft *a_aircraft;  /* aircraft classes */
    size_t n_aircraft;
    char *aircraft_default;   /* aircraft type of routes that name none, may be NULL */
    int ac_class_default;     /* Art. 62 class of routes that name none (enum pl_ac_class) */
    char *approval_authority; /* approvals.authority: the office that decides, or NULL (the role) */
    pl_siting_cfg siting;     /* vertiport siting */
    pl_terrain_decl terrain;  /* terrain model, path NULL when none */
    pl_network_cfg network;   /* route design, design 0 when none */
    char **docs;              /* the scenario file and every file it includes (real paths when known) */
    size_t n_docs;
} pl_scenario;

/* Read and check a scenario file.  Every problem found is recorded in one
 * message (file:line:column: what was expected), up to a few.
 * Returns: PL_OK and *out, or PL_PARSE/PL_IO.  Ownership: *out is the
 * caller's; free with pl_scenario_free(). */
int pl_scenario_load(pl_ctx *ctx, const char *path, pl_scenario **out);
void pl_scenario_free(pl_scenario *sc);
/* Returns: the rule for a zone class (borrowed), or NULL. */
const pl_rule *pl_scenario_rule(const pl_scenario *sc, const char *cls);
/* Returns: the aircraft class of that name (borrowed), or NULL. */
const pl_aircraft *pl_scenario_aircraft(const pl_scenario *sc, const char *name);

/* ==== crs.c: PROJ ======================================================= */

/* Returns: a transformer from src_def (WKT, "EPSG:n", PROJ string) to
 * dst_def, both in traditional GIS order (x = east/lon, y = north/lat),
 * created once and cached in the ctx; NULL on error.
 * Ownership: borrowed from the ctx, valid until pl_ctx_free(). */
pl_xform *pl_crs_xform(pl_ctx *ctx, const char *src_def, const char *dst_def);
/* A PROJ operation given as a pipeline string (e.g. a local projection of
 * lon/lat degrees), created without the CRS database and cached. */
pl_xform *pl_crs_pipeline(pl_ctx *ctx, const char *def);
/* Copy src's cached transformers from src_def to dst_def into dst (a
 * worker's ctx), or all of them where these are NULL: clones, not new
 * searches of the PROJ database (each clone still costs about 0.2 ms). */
int pl_crs_share(pl_ctx *dst, pl_ctx *src, const char *src_def, const char *dst_def);
/* The CRS's area of use in lon/lat degrees (west, south, east, north);
 * 0 when PROJ knows none. */
int pl_crs_area_of_use(pl_ctx *ctx, const char *def, double box[4]);
/* The operation of the cached transformer from src to dst as a PROJ
 * pipeline string (owned: free), NULL when none is cached.  pl_crs_seed
 * caches it again from that string, with no search of PROJ's database: the
 * same steps, so the same numbers (PROJ runs an operation found in its
 * database as the pipeline of its PROJ string).  pl_crs_seed_area caches a
 * CRS's area of use (pl_crs_area_of_use keeps what it finds, too). */
char *pl_crs_describe(pl_ctx *ctx, const char *src, const char *dst);
int pl_crs_seed(pl_ctx *ctx, const char *src, const char *dst, const char *pipeline);
void pl_crs_seed_area(pl_ctx *ctx, const char *def, const double box[4]);
/* Transform n points in place.  Returns PL_OK or PL_CRS (naming what). */
int pl_crs_trans(pl_ctx *ctx, pl_xform *xf, double *x, double *y, size_t n);
/* Transform a GEOS geometry; Returns: a new geometry or NULL. */
GEOSGeometry *pl_crs_trans_geom(pl_ctx *ctx, pl_xform *xf, const GEOSGeometry *g);
/* GCJ-02 (Amap) or BD-09 (Baidu) lon/lat to WGS84, in place (PROJ has no
 * such transform: the offsets are a published obfuscation). */
void pl_crs_gcj02_to_wgs84(double *lon, double *lat);
void pl_crs_bd09_to_wgs84(double *lon, double *lat);
void pl_crs_wgs84_to_gcj02(double *lon, double *lat);
/* Check that def names a projected CRS in metres; PL_CRS otherwise. */
int pl_crs_check_metric(pl_ctx *ctx, const char *def);
/* A circle of radius r_m metres on the WGS84 ellipsoid (geodesic) around
 * lon/lat as an n-gon that contains it; n + 1 points (closed) out. */
void pl_crs_geod_circle(double lon, double lat, double r_m, int n, double *out_lon, double *out_lat);
/* Free every cached transformer (the ctx calls it when freed). */
void pl_crs_cache_free(pl_ctx *ctx);

/* ==== geom.c: GEOS helpers ============================================= */
/* Returns: 1 when every coordinate of g is finite. */
int pl_geom_finite(pl_ctx *ctx, const GEOSGeometry *g);
/* Returns: the polygonal part of g (a new geometry, possibly empty) */
GEOSGeometry *pl_geom_polygonal(pl_ctx *ctx, const GEOSGeometry *g);
/* Returns: a new LineString from n points (2D). */
GEOSGeometry *pl_geom_line(pl_ctx *ctx, const double *x, const double *y, size_t n);
GEOSGeometry *pl_geom_point(pl_ctx *ctx, double x, double y);
/* Returns: g grown by d (round caps and joins, quadsegs segments a quarter
 * circle), approximated on the outside: it contains every point within d of
 * g.  The one buffer the engine builds; NULL (error set) on failure. */
GEOSGeometry *pl_geom_buffer_out(pl_ctx *ctx, const GEOSGeometry *g, double d, int quadsegs);
/* Returns: polygonal g grown by d with mitred corners, which contain the
 * round offset: obstacles and search regions.  NULL (error set) on failure. */
GEOSGeometry *pl_geom_inflate_out(pl_ctx *ctx, const GEOSGeometry *g, double d);
/* Returns: the regular n-gon that contains the circle (cx, cy, r), its
 * edges tangent to it; NULL (error set) on failure. */
GEOSGeometry *pl_geom_circle_out(pl_ctx *ctx, double cx, double cy, double r, int n);
/* Returns: the name of a GEOS type id (static text). */
const char *pl_geom_type_name(int geos_type_id);
/* The interval [*t0, *t1] of t in [0, 1] where the point A + t d lies
 * within w of the point C (closed form, digits kept where a line grazes a
 * large circle; d = 0: all of [0, 1] when A is within w).  Returns 1, or 0
 * when no t is within w. */
int pl_geom_disc_interval(const double a[2], const double d[2], const double c[2], double w, double *t0,
                          double *t1);
/* The interval [*t0, *t1] of t in [0, 1] where the point A + t d lies
 * within w of the segment C-(C + e): its capsule, a rectangle along it and
 * a disc at each end, each met by the line in one interval in closed form;
 * the capsule is convex, so their union is one interval.  Returns 1, or 0
 * when no t is within w. */
int pl_geom_capsule_interval(const double a[2], const double d[2], const double c[2], const double e[2], double w,
                             double *t0, double *t1);

/* ==== layers.c: GDAL/OGR input ========================================== */
enum pl_prop_type { PL_P_NULL, PL_P_INT, PL_P_REAL, PL_P_STR };
typedef struct pl_prop {
    char *key;     /* field name */
    int type;      /* enum pl_prop_type */
    double num;    /* PL_P_INT, PL_P_REAL */
    char *str;     /* PL_P_STR (and the text form of numbers) */
} pl_prop;

typedef struct pl_feature {
    char *id;             /* feature id (id property, else OGR FID) */
    GEOSGeometry *g;      /* owned; working CRS; Z kept where given */
    pl_prop *a_props;     /* owned */
    size_t n_props;
    size_t z_missing;     /* a line whose positions mix 3D and 2D (GeoJSON): the first 2D one (1-based), else 0 */
    size_t z_given;       /* then the first position that has an altitude (1-based) */
} pl_feature;

typedef struct pl_issue {
    char *fid;     /* feature id */
    char *what;    /* "repaired" or "rejected" */
    char *why;     /* reason */
} pl_issue;

typedef struct pl_layer {
    const pl_layer_decl *decl; /* borrowed from the scenario */
    char *driver;              /* GDAL driver short name */
    char *ogr_name;            /* layer name in the dataset */
    char *crs_name;            /* source CRS name, e.g. "WGS 84" */
    char *crs_id;              /* "EPSG:4326" when known, else NULL */
    int crs_assumed;           /* 1 when the scenario supplied the CRS */
    size_t n_read;             /* features read from the file */
    pl_feature *a_feats;       /* features kept */
    size_t n_feats;
    size_t n_type[8];          /* kept features per GEOS type id 0..7 */
    pl_issue *a_issues;        /* repaired or rejected features */
    size_t n_issues;
    size_t n_rejected;
} pl_layer;

/* Read one declared layer, transform to the working CRS, repair invalid
 * geometries (recorded as issues), reject empty or non-finite ones
 * (recorded as issues; the caller decides whether that is fatal).
 * Returns: PL_OK and *out, or an error naming the file and layer.
 * Ownership: *out is the caller's, pl_layer_free(). */
int pl_layer_load(pl_ctx *ctx, const pl_scenario *sc, const pl_layer_decl *decl, pl_layer **out);
/* The equator's length: a coordinate or a radius beyond it, in metres of
 * any CRS, is a unit or typing error (layers.c, zones.c). */
#define PL_EARTH_M 4.0075e7
void pl_layer_free(pl_ctx *ctx, pl_layer *l);
/* The union of the polygons of every layer of role (features of kind
 * "island" left out when skip_islands): an empty polygon when none, NULL on
 * failure.  Owner: the caller. */
GEOSGeometry *pl_layers_union(pl_ctx *ctx, pl_layer *const *layers, size_t n_layers, int role, int skip_islands);
/* Returns: the property (borrowed) or NULL when absent. */
const pl_prop *pl_feature_prop(const pl_feature *f, const char *key);
/* Returns: property as text (borrowed), or dflt when absent/null. */
const char *pl_feature_str(const pl_feature *f, const char *key, const char *dflt);
/* GDAL's failure messages go to ctx's library message between push and
 * pop; push also registers GDAL's drivers on first use. */
/* GDAL's release, as the library loaded gives it ("3.6.2"): a zone index's key. */
const char *pl_gdal_release(void);
void pl_gdal_errors_push(pl_ctx *ctx);
void pl_gdal_errors_pop(void);

/* ==== terrain.c: a DEM as ground ranges in the working CRS ============= */
/* The lowest and highest ground of each square cell of a grid in the
 * working CRS, taken from every raster cell (held over its square and half
 * a cell around it, so interpolated readings are inside too) that meets
 * it; NAN where any part is unknown (nodata, the raster's edge, beyond). */
typedef struct pl_terrain {
    const pl_terrain_decl *decl; /* borrowed from the scenario */
    double x0, y0, cs;           /* the grid's lower-left corner and cell side, working CRS */
    size_t nx, ny;               /* cells; cell (i, j) is lo[i * ny + j] */
    float *lo, *hi;              /* owned: ground range per cell, metres, NAN unknown */
    double all_lo, all_hi;       /* over every known cell */
    size_t n_unknown;            /* cells without a range */
} pl_terrain;

/* Read the scenario's terrain (sc->terrain), or set *out NULL when it has
 * none.  PL_OK, or an error naming the raster. */
int pl_terrain_load(pl_ctx *ctx, const pl_scenario *sc, pl_terrain **out);
void pl_terrain_free(pl_terrain *t);
/* The ground's range over the box b (minx, miny, maxx, maxy, working CRS):
 * 1 and *lo, *hi when every cell it meets is known; else 0 with -inf, inf. */
int pl_terrain_range(const pl_terrain *t, const double b[4], double *lo, double *hi);

/* ==== zones.c: zones, rules, spatial index ============================== */
typedef struct pl_zone {
    const char *id, *name, *cls; /* identity and class */
    double floor_m;            /* lower limit (default 0, the surface) */
    double ceiling_m;          /* upper limit (INFINITY = unlimited) */
    const char *alt_ref;       /* "AGL" or "AMSL" */
    const char *source, *license, *accuracy, *basis; /* provenance, may be NULL */
    char *strs;                /* owned: the strings above, in one block (pl_zone_strings) */
    const pl_rule *rule;       /* borrowed from the scenario */
    const char *layer_id;      /* borrowed from the scenario */
    const pl_aircraft *aircraft; /* height rule: applies to this class only, g is NULL */
    GEOSGeometry *g;           /* owned, polygonal, working CRS (NULL: everywhere) */
    const GEOSPreparedGeometry *pg; /* owned, prepared g */
    double env[4];             /* envelope of g: minx, miny, maxx, maxy */
    const double *xy;          /* a footprint's ring (g a Polygon of at most PL_SMALL_ZONE_PTS points, no
                                  holes): x, y pairs, closed, n_xy points, kept by the zone tree in its
                                  order (a route check reads them, not g's four objects); else NULL */
    size_t n_xy;
    double circle[3];          /* a circle zone (a point with radius_m): centre x, y and radius r > 0,
                                  checked exactly; g is then the polygon that contains it (drawing,
                                  export, siting); r = 0 for every other zone */
} pl_zone;

/* Set z's strings (id, name, cls and alt_ref required; the others may be
 * NULL) as copies in one block, z->strs: a conflict's text names the
 * zone's class, id and name, and among a million zones three strings
 * apart were three cache misses.  PL_OK, or PL_NOMEM (nothing set). */
int pl_zone_strings(pl_zone *z, const char *id, const char *name, const char *cls, const char *alt_ref,
                    const char *source, const char *license, const char *accuracy, const char *basis);

/* zones of at most this many points are read again for every route (their
 * rings are cheaper to read than to keep); bigger ones keep theirs */
#define PL_SMALL_ZONE_PTS 32

typedef struct pl_boxtree pl_boxtree;
typedef struct pl_zoneset {
    pl_zone *a;          /* zones, in load order; height rules (g NULL) last */
    size_t n;
    GEOSSTRtree *tree;   /* items are pl_zone * (zones with a geometry): nearest-zone searches */
    pl_boxtree *boxes;   /* the same zones' envelopes packed in a tree: every other query */
    size_t n_indexed;    /* zones in the trees */
    void *cache;         /* routes.c's memo of big zones' rings, owned */
    void (*cache_free)(void *);
    int shared;          /* what pl_routes_share made ready: 1 the rings, 2 GEOS's tree */
    pl_terrain *terrain; /* owned: the scenario's terrain model, or NULL (heights above a flat datum) */
    pl_rule ground_rule; /* with a terrain: the ground as a zone everywhere below 0 m true height, */
    pl_zone ground;      /* forbidden (a route whose altitude is under the ground cannot be flown) */
} pl_zoneset;

/* ==== airspace.c: zones built by rule ================================== */
/* Build one airport zone per airport of a layer whose features are runways
 * (LineString between the runway ends; or Point with runway_heading_deg and
 * runway_length_m; or a bare Point when no runway is published), by the
 * layer's airport_rule.  Appends to z (room for l->n_feats more) and *n. */
int pl_airspace_airports(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l, pl_zone *z,
                         size_t *n);

/* Build the zone set from every zones layer.  Returns PL_OK or an error
 * naming the layer and feature (unknown class, floor above ceiling...). */
int pl_zones_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                   pl_zoneset **out);
void pl_zones_free(pl_ctx *ctx, pl_zoneset *zs);
/* The index of a zone set whose array zs->a[0..n) is final: envelopes,
 * GEOS's tree, the packed box tree and the footprints' rings (the last
 * step of pl_zones_build; a zone index file's loader takes it too). */
int pl_zones_index(pl_ctx *ctx, pl_zoneset *zs);
/* With zs->terrain set: the ground as a zone (zs->ground), forbidden
 * everywhere below 0 m true height.  PL_OK or PL_NOMEM. */
int pl_zones_ground(pl_ctx *ctx, const pl_scenario *sc, pl_zoneset *zs);

/* 1 when the segment a-b meets the box x0..x1, y0..y1: the boxes overlap
 * and the box has corners on both sides of the segment's line (or on it);
 * separating axes x, y and the segment's normal, which settle it for a
 * segment and a box.  A larger box never gives 0 where a smaller gave 1. */
static inline int pl_seg_box_meets(double ax, double ay, double bx, double by, double x0, double y0, double x1,
                                   double y1)
{
    if ((ax > bx ? ax : bx) < x0 || (ax < bx ? ax : bx) > x1 || (ay > by ? ay : by) < y0 || (ay < by ? ay : by) > y1)
        return 0;
    double dx = bx - ax, dy = by - ay; /* side of (x, y): (x - ax) dy - (y - ay) dx */
    double lo = (dy >= 0 ? x0 - ax : x1 - ax) * dy - (dx >= 0 ? y1 - ay : y0 - ay) * dx;
    double hi = (dy >= 0 ? x1 - ax : x0 - ax) * dy - (dx >= 0 ? y0 - ay : y1 - ay) * dx;
    return lo <= 0 && hi >= 0;
}

/* A list of zones gathered from the index. */
typedef struct pl_zonelist {
    const pl_zone **a;   /* borrowed zones; the array is owned (free it) */
    size_t n, cap;
    int oom;             /* sticky: an allocation failed */
} pl_zonelist;
/* Append the zones whose envelope meets g's envelope. */
void pl_zones_collect(pl_ctx *ctx, const pl_zoneset *zs, const GEOSGeometry *g, pl_zonelist *l);
/* Append the zones whose envelope meets the box (minx, miny, maxx, maxy;
 * edges included): no geometry to make.  Reads only: threads may share. */
void pl_zones_collect_box(const pl_zoneset *zs, const double box[4], pl_zonelist *l);
/* Append the zones whose envelope, grown by m, the segment s (ax, ay, bx,
 * by) meets (pl_seg_box_meets), and perhaps a few more whose envelope
 * misses by a step of the tree (it keeps boxes rounded outward to steps
 * of the zones' extent / 65,534: 1.5 m over a city of 100 km; the
 * caller's own exact test decides).  With band (lo, hi: a route's
 * altitudes), only the zones whose route rule binds (severity > 0) and
 * whose pl_zone_route_extent overlaps it, limits open (again perhaps a few
 * more that miss by less than a decimetre).  The zones themselves are not
 * read: at a million buildings a query reads only the tree.  Reads only:
 * threads may share. */
void pl_zones_collect_near(const pl_zoneset *zs, const double s[4], double m, const double band[2], pl_zonelist *l);
/* Build GEOS's tree (lazily built on its first search) before threads
 * search it.  Returns PL_OK, or an error. */
int pl_zones_share(pl_ctx *ctx, const pl_zoneset *zs);
/* Sort in zone order (the load order: reports never depend on the tree)
 * and drop repeats.  Returns PL_OK or PL_NOMEM when a collect failed. */
int pl_zonelist_finish(pl_ctx *ctx, pl_zonelist *l);
/* The zone's prepared geometry, prepared on first use (NULL only when out
 * of memory or the zone has no geometry). */
const GEOSPreparedGeometry *pl_zone_pg(pl_ctx *ctx, const pl_zone *z);
/* The verdict of flying into the zone's protected extent (enum
 * pl_verdict): PL_V_FREE when its rule never binds a route. */
int pl_zone_route_severity(const pl_zone *z);
/* The altitudes the zone's route rule protects: floor to ceiling, or to
 * the minimum overflight height where the rule is one. */
void pl_zone_route_extent(const pl_zone *z, double *lo, double *hi);
/* The one altitude rule: a route's band [lo, hi] enters a zone's protected
 * extent (vlo, vhi), from pl_zone_route_extent, only where they overlap in
 * more than a point: a band whose top is the zone's floor, or whose bottom
 * is its ceiling, touches it and does not enter (the regulation's "above
 * 120 m": a flight at exactly 120 m is not above it).  Every altitude test
 * against a zone is this one, or (on a sloped segment) its closed form in
 * routes.c, which keeps the same open limits. */
static inline int pl_band_enters(double lo, double hi, double vlo, double vhi)
{
    return lo < vhi && hi > vlo;
}

/* ==== routes.c: 3D corridor checks ===================================== */
typedef struct pl_route {
    char *id, *name, *kind, *status;       /* status: existing / planned */
    char *aircraft;                        /* aircraft type of the scenario's table, may be NULL */
    int ac_class;                          /* enum pl_ac_class: aircraft_class, else its type's */
    char *time_from, *time_to;             /* time window (ISO 8601 text), may be NULL */
    char *source, *license, *accuracy;     /* provenance, may be NULL */
    const char *layer_id;                  /* borrowed */
    double half_width_m;                   /* corridor half-width */
    double band_below_m, band_above_m;     /* altitude band around alt */
    size_t n_pts;                          /* waypoints */
    double *x, *y, *alt_m;                 /* working CRS + altitude */
    GEOSGeometry *line;                    /* owned 2D centreline */
    double length_m;                       /* 2D length of the centreline */
} pl_route;

typedef struct pl_conflict {
    size_t route;             /* index in the route array */
    const pl_zone *zone;      /* borrowed */
    int verdict;              /* enum pl_verdict of flying there (advisory, approval, forbidden) */
    int enters;               /* 1 when the centreline enters the zone */
    double length_inside_m;   /* centreline inside the zone, altitudes overlapping */
    double corridor_length_m; /* centreline whose corridor meets the zone, altitudes overlapping */
    double entry[3], exit[3]; /* x, y, altitude (working CRS) */
    double s_from_m, s_to_m;  /* along the route: where the conflict starts and ends */
    double alt_lo_m, alt_hi_m;/* altitude overlap of band and zone */
    double zone_floor_m, zone_ceiling_m; /* the vertical extent checked */
    int agl;                  /* 1: the extent and alt_lo/hi are true heights from the terrain model */
    int ground_unknown;       /* 1: somewhere in it the terrain model has no ground: taken as inside */
    GEOSGeometry *overlap;    /* owned: corridor part inside the zone (after pl_routes_overlaps) */
    void *pieces;             /* owned: the corridor's pieces (segment, t0, t1) it is drawn from, until then */
    size_t n_pieces;
} pl_conflict;

/* A route's (or a segment's, a conflict's) verdict: free 适飞 (may fly as
 * filed), advisory 提示 (may fly; care needed), approval 需报批 (controlled
 * airspace, or a class that always files: may fly once approved),
 * forbidden 禁飞 (do not file).  Ordered: a route takes its worst. */
enum pl_verdict { PL_V_FREE, PL_V_ADVISORY, PL_V_APPROVAL, PL_V_FORBIDDEN, PL_V__N };
extern const char *const pl_verdict_names[]; /* free advisory approval forbidden */
extern const char *const pl_verdict_zh[];    /* 适飞 提示 需报批 禁飞 */

typedef struct pl_route_result {
    int verdict;               /* enum pl_verdict: the worst of its conflicts and its class */
    size_t n_conf[PL_V__N];    /* its conflicts by verdict */
    int class_files;           /* 1: its aircraft class always files (medium, large, unknown) */
    double clearance_m;        /* corridor edge to the nearest approval or forbidden zone not met; NAN = none */
    const pl_zone *clearance_zone; /* borrowed, may be NULL */
    double agl_min_m, agl_max_m; /* true height of the centreline, least and most (terrain model); NAN:
                                    no terrain model, or ground unknown somewhere */
    double ground_unknown_m;   /* centreline length where the terrain model has no ground; NAN: no model */
    size_t n_level_conflicts;  /* crossings with another of the plan's routes at one level (plan.c) */
} pl_route_result;

typedef struct pl_routeset {
    pl_route *a;            /* routes */
    size_t n;
    pl_route_result *res;   /* one per route, after pl_routes_check */
    pl_conflict *c;         /* all conflicts, by route then zone order */
    size_t n_c;
} pl_routeset;

/* The route's band (pl_route_band) as it may be in zone z's datum: true
 * height over the terrain model's whole range for an AGL zone when the set
 * has a terrain model (unbounded where that model has unknown cells); as
 * given otherwise.  z NULL: the band covering both datums. */
void pl_route_band_for(const pl_zoneset *zs, const pl_route *r, const pl_zone *z, double *lo, double *hi);
/* 1 when zone z's limits are true heights (AGL) and the set has a terrain
 * model to take them from. */
int pl_zone_agl_terrain(const pl_zoneset *zs, const pl_zone *z);

/* Build routes from every routes layer (one point -> error). */
int pl_routes_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                    pl_routeset **out);
void pl_routes_free(pl_ctx *ctx, pl_routeset *rs);
/* With terrain model t (NULL: nothing to do): every waypoint of rs at or
 * above the lowest ground of its terrain cell, else PL_PARSE naming file
 * (from layers), layer, route and vertex (the altitude rule, routes.c). */
int pl_routes_ground_check(pl_ctx *ctx, const pl_terrain *t, const pl_routeset *rs, pl_layer *const *layers,
                           size_t n_layers);
/* Check every route against the zones; fills rs->res and rs->c (the
 * overlap polygons are drawn by pl_routes_overlaps, when something writes
 * them: a check that prints its answer needs none). */
int pl_routes_check(pl_ctx *ctx, const pl_zoneset *zs, pl_routeset *rs);
/* Draw the overlap polygon of every conflict of rs that has none yet (each
 * from the pieces the check kept, then freed).  PL_OK, or the error. */
int pl_routes_overlaps(pl_ctx *ctx, const pl_zoneset *zs, pl_routeset *rs);
/* Check one route against the zones; appends to *c (n_c, cap).  flags:
 * PL_CHECK_NO_CLEARANCE skips the nearest-zone search, PL_CHECK_NO_OVERLAP
 * the overlap polygons (conflict->overlap stays NULL): validate needs
 * neither; PL_CHECK_OVERLAP_LATER keeps each conflict's pieces for
 * pl_routes_overlaps instead of drawing the polygon now. */
enum { PL_CHECK_NO_CLEARANCE = 1, PL_CHECK_NO_OVERLAP = 2, PL_CHECK_OVERLAP_LATER = 4 };
int pl_route_check(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, size_t idx, int flags,
                   pl_route_result *res, pl_conflict **c, size_t *n_c, size_t *cap);

/* Make the zone set safe to check from several threads at once: the
 * rings and grids of big zones made now, and GEOS's zone tree built unless
 * flags (the PL_CHECK_* flags the checks will use) leave out the
 * clearance, so that checks afterwards only read.  Each thread still
 * needs its own ctx. */
int pl_routes_share(pl_ctx *ctx, pl_zoneset *zs, int flags);

/* A polygon's rings in runs with boxes, for queries that only read (any
 * number of threads).  Owner: the caller, pl_region_free(). */
typedef struct pl_region pl_region;
pl_region *pl_region_new(pl_ctx *ctx, const GEOSGeometry *poly);
void pl_region_free(pl_region *rg);
/* Length of r's centreline inside rg, boundary included (what the length
 * of a GEOS intersection gives).  -1 out of memory. */
double pl_route_length_in(const pl_route *r, const pl_region *rg);

/* ==== siting.c: vertiport feasibility, choice, network ================== */
typedef struct pl_site {
    char *id, *name, *kind;   /* kind: candidate kind (pier, hospital, ...) */
    char *vp_kind;            /* tourism, logistics, passenger, medical */
    char *source, *license, *accuracy;
    const char *layer_id;     /* borrowed */
    double x, y;              /* working CRS */
    int existing;             /* built: always open */
    int feasible;             /* passes every site rule */
    int required;             /* a candidate a route ends at: forced open */
    int open;                 /* existing, required or chosen */
    pl_buf why;               /* reasons, "; "-separated */
    size_t n_reach;           /* demand points within reach of this site */
    pl_buf headings;          /* free approach/departure headings, e.g. "0-359"; "not checked: ..."
                                 when there is no obstacle data at all (approach.c) */
    pl_buf headings_unknown;  /* headings not checked: the terrain model has no ground under part of
                                 their surface, e.g. "300-330"; empty when none */
    pl_buf headings_by;       /* how the headings were checked: the sources, and what was not */
    double capacity_per_h;    /* movements per hour the site handles (capacity.c); NAN: not stated */
    double movements_per_h;   /* movements per hour planned by the routes ending at it */
    pl_buf capacity_basis;    /* where the capacity comes from, e.g. "2 pads x 4" */
    pl_buf movements_by;      /* each route's part, e.g. "P2025-1 4/h, E2024-1 2/h" */
    pl_buf capacity_warning;  /* planned movements over capacity, with the figures; empty when not */
    double covered_w;         /* demand weight within reach of this site */
    double only_w;            /* weight no other open site reaches */
    double nearest_open_m;    /* distance to the nearest other open site */
    pl_buf ends;              /* route ends at it, "E2024-3 start, P2025-5 start" (open sites) */
    pl_buf reason;            /* why it is open, one line (open sites) */
} pl_site;

typedef struct pl_route_ends {
    const pl_site *from, *to; /* borrowed; NULL when the end is not at a site */
    double from_m, to_m;      /* distance from each end to the nearest open site */
} pl_route_ends;

typedef struct pl_siting {
    pl_site *a;               /* built sites first, then candidates */
    size_t n;
    size_t n_dem;             /* demand points */
    double *dx, *dy, *dw, *dr;
    char **dem_id;
    char **dem_kind;          /* demand kind, "unspecified" when none */
    size_t *cover_off, *cover_idx; /* demand within reach of site i: cover_idx[cover_off[i] ..
                                      cover_off[i+1]), ascending */
    double objective, bound, gap, total_w, covered_w, time_ms;
    const char *method;
    size_t iterations, n_new, n_feasible;
    size_t n_new_max;         /* new sites the count allows */
    size_t n_required;        /* required sites: candidates routes end at (in n_new) */
    size_t n_dropped;         /* sites the choice held that added nothing, closed again */
    pl_route_ends *ends;      /* one per route of the plan */
    char **a_warn;            /* warnings: route ends at no site, required sites too close */
    size_t n_warn;
    const char *rule;         /* the rule every open new site meets (static text) */
    pl_buf note;              /* why fewer than n_new_max new sites, or empty */
} pl_siting;

struct pl_plan;
/* Run feasibility and the choice for the plan's scenario (its demand,
 * candidates, vertiports, boundary, water, obstacles layers and zones);
 * the plan's route ends make their candidates required sites.
 * Returns PL_OK and *out; PL_INFEASIBLE when the route ends need more new
 * sites than the count allows.  Ownership: *out is the caller's,
 * pl_siting_free(). */
int pl_siting_run(pl_ctx *ctx, const struct pl_plan *p, pl_siting **out);
void pl_siting_free(pl_siting *s);
/* The instance as a CPLEX LP file for glpsol (coverage objective). */
int pl_siting_lp(pl_ctx *ctx, const struct pl_plan *p, const pl_siting *s, pl_buf *b);

/* ==== separation.c: two routes' separation ============================== */
typedef struct pl_sep {
    double d_m, need_m;        /* centrelines' distance; needed: half-widths + lateral separation */
    int close;                 /* 1: closer than needed, with overlapping time windows */
    double a_lo, a_hi, b_lo, b_hi; /* with close: each route's band over its close part */
    double at[2];              /* with close: a's point nearest b (working CRS) */
    int level_conflict;        /* 1: close and the bands overlap: not separated by level */
} pl_sep;
/* Routes a and b against lateral_m edge to edge, then by altitude and
 * time where closer, leaving out the discs of radius r_excl around the n_excl
 * points excl (x, y pairs: the sites both use).  PL_OK or an error. */
int pl_route_separation(pl_ctx *ctx, const pl_route *a, const pl_route *b, double lateral_m, const double *excl,
                        size_t n_excl, double r_excl, pl_sep *s);

/* Two of the plan's routes closer than their separation, outside the
 * sites both use (plan.c): separated by level, or a level conflict (both
 * then need an approval: the authority deconflicts, CCAR-92). */
typedef struct pl_crossing {
    size_t a, b;               /* route indices, a < b */
    pl_sep s;
} pl_crossing;
/* Around a site two routes both use, the parts of them left out of their
 * crossing: the site's own traffic, at least this radius (and the end
 * tolerance plus the separation needed, where larger). */
#define PL_TERMINAL_RADIUS_M 1000.0
/* ==== approach.c: the approach/departure surfaces of a site ============= */
/* The obstacles of a plan: the features of its obstacles layers (Points and
 * building footprints, Polygon/MultiPolygon, with a height) and its terrain
 * model (borrowed from the zone set). */
typedef struct pl_obstacles pl_obstacles;
/* Read every obstacles layer of p.  Returns PL_OK and *out, or PL_PARSE
 * naming the layer and feature (no height, not a Point or polygon).
 * Ownership: *out is the caller's, pl_obstacles_free(). */
int pl_obstacles_load(pl_ctx *ctx, const struct pl_plan *p, pl_obstacles **out);
void pl_obstacles_free(pl_obstacles *ob);

/* What the scan of one site found. */
typedef struct pl_approach {
    int checked;              /* 0: no obstacle layer and no terrain model: nothing was checked */
    int n_free;               /* headings (of 360) clear of every obstacle and the terrain */
    int n_unknown;            /* headings not closed but not checked: no ground known under their surface */
    int n_closed;             /* headings some obstacle or the terrain rises through */
    const char *in_fato;      /* borrowed: id of an obstacle standing inside the FATO, or NULL */
} pl_approach;

/* Scan headings 0-359 of site s: a heading is closed when an obstacle (its
 * top above the site's ground) or the ground rises above its approach/
 * departure surface (c: FATO, slope, splay, length).  Fills s->headings
 * (the free ones, "10-85,200-359"), s->headings_unknown and s->headings_by.
 * Returns PL_OK and *out, or PL_NOMEM. */
int pl_approach_scan(pl_ctx *ctx, const pl_siting_cfg *c, const pl_obstacles *ob, pl_site *s, pl_approach *out);

/* ==== capacity.c: pads and movements of each open site ================== */
/* Each open site's capacity (its feature's movements_per_h, else its pads
 * (feature pads, else siting.pads) x siting.movements_per_pad_per_h) and
 * the movements per hour planned at it (per_hour of every route with an
 * end there: siting.route_per_hour, else the route's per_hour property);
 * a warning on the site when they exceed it.  Needs st->ends.  Returns
 * PL_OK, or PL_PARSE naming the feature whose figure is not a number. */
int pl_capacity_run(pl_ctx *ctx, const struct pl_plan *p, pl_siting *st);

/* ==== design.c: a planned route laid out at the least cost ============== */
typedef struct pl_design {
    int designed;              /* 1: laid out by the planner; 0: kept as drawn (why says) */
    double length_m, approval_m, advisory_m, cost; /* the route's: metres whose corridor meets approval
                                  airspace / advisory areas at its altitudes; cost in metres */
    double builtup_m, straight_builtup_m; /* metres whose corridor meets built-up area (NAN: no builtup layer) */
    double straight_length_m, straight_approval_m, straight_advisory_m, straight_cost; /* the straight line's */
    int straight_open;         /* 1: the straight line between the ends avoids every forbidden zone */
    int climb_raised;          /* 1: its climb or descent was raised into the approach surfaces */
    pl_buf why;                /* not designed, or the straight line kept: why */
    pl_buf avoided;            /* zones (ids, comma-separated) whose approval the straight line needs and the
                                  design does not (plan.c, after the check) */
} pl_design;

/* Lay route r out between its first and last waypoints at the least cost
 * of length and weighted kilometres in approval and advisory airspace and
 * over builtup (the builtup layers' polygons united, working CRS, or NULL:
 * none given), around forbidden zones grown by half-width + margin_m; r's
 * geometry is replaced.  PL_OK (d->designed says whether) or an error.
 * Free d with pl_design_free. */
int pl_design_route(pl_ctx *ctx, const pl_zoneset *zs, const pl_network_cfg *cfg, const GEOSGeometry *builtup,
                    double margin_m, pl_route *r, pl_design *d);
void pl_design_free(pl_design *d);
/* A designed route's climb and descent inside its end sites' approach and
 * departure surfaces: where its profile lies under the line rising 1 m per
 * slope m from either end's altitude (never above its highest waypoint),
 * it is raised to that line (points added where the two meet).  *raised
 * says whether anything moved.  PL_OK or an error. */
int pl_design_climb(pl_ctx *ctx, pl_route *r, double slope, int *raised);

/* ==== reroute.c: shortest conflict-free path ============================ */
typedef struct pl_reroute {
    int found;                 /* 1 when a path exists */
    double *x, *y, *alt_m;     /* the path, working CRS, n points */
    size_t n;
    double length_m, added_m;  /* its length, and how much longer than the route */
    const pl_zone **avoided;   /* zones the original route entered, now avoided */
    size_t n_avoided;
    pl_buf why;                /* when no path: which zones close it off */
} pl_reroute;

/* Shortest path between r's end points avoiding every blocking zone at its
 * altitude band, zones inflated by half-width + margin_m.  Returns PL_OK
 * (out->found says whether a path exists) or an error.  Ownership: free
 * with pl_reroute_free(). */
int pl_reroute_route(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double margin_m,
                     pl_reroute *out);
void pl_reroute_free(pl_reroute *rr);

/* Altitude band (lo, hi) and length of r's centreline inside region
 * (exact, per segment); lo = +inf when none of it is inside. */
/* The one corridor: the centreline (a route's line, pieces of it, a point)
 * grown by the half-width, drawn as polygons approximated on the outside
 * (pl_geom_buffer_out).  The check itself never uses it: it tests the exact
 * distance.  NULL (error set) on failure. */
GEOSGeometry *pl_corridor(pl_ctx *ctx, const GEOSGeometry *centreline, double half_width_m);
/* The route's corridor grown by extra_m more (0: the corridor itself). */
GEOSGeometry *pl_route_corridor(pl_ctx *ctx, const pl_route *r, double extra_m);
/* The route's whole altitude band: the least altitude less band_below_m,
 * the greatest plus band_above_m. */
void pl_route_band(const pl_route *r, double *lo, double *hi);
int pl_route_band_in(pl_ctx *ctx, const pl_route *r, const GEOSGeometry *region, double *lo, double *hi,
                     double *len_m);

/* ==== validate.c: route proposals ======================================= */
typedef struct pl_proposal_result {
    int verdict;               /* enum pl_verdict: the worst of its reasons */
    size_t n_by[PL_V__N];      /* its reasons by verdict */
    pl_buf reasons;            /* one per line: "forbidden|approval|advisory|info: text" (when asked for) */
    pl_buf json;               /* the same reasons as a JSON array (when asked for) */
    unsigned want;             /* PL_WANT_*: which of the two pl_validate fills */
    pl_buf approvals;          /* with PL_WANT_JSON: the approvals it needs, JSON objects joined by commas */
    const struct pl_plan *plan; /* borrowed: the plan it is checked against (authority, flight date) */
    struct pl_approval_memo *memo; /* borrowed: the checking worker's approval heads (validate.c), or NULL */
    int in_store;              /* its three texts lie in a block of kept texts (a big batch's), not on their own */
    void *store;               /* owned: such a block (its texts and the next results'), or NULL */
    size_t store_n;            /* its size in bytes */
    double over_water_m;       /* ground risk: centreline length over water */
    double agl_min_m, agl_max_m, ground_unknown_m; /* true heights, as pl_route_result has them */
} pl_proposal_result;

/* Load proposal files (any GDAL vector format; LineStrings), in lon/lat
 * shifted from GCJ-02 (shift 1) or BD-09 (shift 2) when asked, into a
 * route set; names[i] (NULL: the files' paths) names file i in the
 * proposals' ids and the messages.  Ownership: *out, pl_routes_free();
 * layers kept in *layers. */
int pl_proposals_load(pl_ctx *ctx, const struct pl_plan *p, char **files, char **names, size_t n_files, int shift,
                      pl_layer_decl **decls, pl_layer ***layers, pl_routeset **out);
/* The zones' part of the work, before any proposal: the rings and grids
 * of big zones, and the water merged (p->water, kept for every batch;
 * pl_validate does both when not done). */
int pl_validate_prepare(pl_ctx *ctx, struct pl_plan *p);
/* Validate every proposal; out has one entry per proposal.  threads: how
 * many to check with (0: one per online processor); the results do not
 * depend on it.  want: PL_WANT_TEXT and/or PL_WANT_JSON, the forms of the
 * reasons to write (a big batch printed as JSON needs no text). */
enum { PL_WANT_TEXT = 1, PL_WANT_JSON = 2 };
int pl_validate(pl_ctx *ctx, const struct pl_plan *p, pl_routeset *props, pl_proposal_result *out,
                int threads, unsigned want);
void pl_proposal_result_free(pl_proposal_result *r);

/* ==== plan.c: one run =================================================== */
typedef struct pl_plan {
    pl_scenario *sc;        /* owned */
    pl_layer **layers;      /* owned, one per declared layer */
    size_t n_layers;
    pl_zoneset *zones;      /* owned */
    pl_routeset *routes;    /* owned */
    pl_siting *siting;      /* owned, NULL without a siting section */
    pl_design *designs;     /* owned, one per route (designed = 0 unless planned and the scenario
                               designs them), NULL without network.design */
    struct pl_crossing *crossings; /* owned: pairs of the plan's routes closer than their separation */
    size_t n_crossings;
    pl_reroute *reroutes;   /* owned, one per route (found = 0 unless forbidden
                               and a path exists); NULL unless PL_PLAN_REROUTE */
    const char *flight_date; /* borrowed: YYYY-MM-DD of the flight (--flight-date), or NULL */
    struct pl_region *water; /* owned: the water merged for validate (pl_validate_prepare), or NULL */
    int water_done;          /* 1: water is made (NULL then means no water) */
    int lang;               /* PL_LANG_ZH (0, the default) or PL_LANG_EN (--lang): report.html, plan.svg, the text */
    struct pl_zdefer *zdefer; /* owned: a zone index's zones not read yet (PL_PLAN_ZONES_LATER), read by
                                 pl_plan_zones_near; NULL once read, and for every other plan */
    void (*zdefer_free)(struct pl_zdefer *); /* zindex.c's, set with zdefer (plan.c frees it so) */
    pl_scenario *zones_sc;  /* owned: the scenario the zones' rules and layer ids borrow from when they were
                               built apart from sc (a damaged index record: pl_plan_zones_near), else NULL */
} pl_plan;

/* The language of what a person reads (report.html, plan.svg and the text
 * summary): Chinese first with English beside, or English only.  JSON and
 * the other machine outputs carry both (verdict, verdict_zh) either way. */
enum { PL_LANG_ZH = 0, PL_LANG_EN = 1 };

enum { PL_PLAN_LAYERS_ONLY = 1, PL_PLAN_SKIP_BAD = 2, PL_PLAN_NO_SITING = 4, PL_PLAN_REROUTE = 8,
       PL_PLAN_ZONES_LATER = 16 /* pl_plan_open_indexed: the zones read by pl_plan_zones_near */ };
/* Margin beyond the corridor half-width kept from zones by reroutes. */
#define PL_REROUTE_MARGIN_M 10.0
/* Load a scenario and its layers, build zones and routes, check routes
 * (unless LAYERS_ONLY).  Returns PL_OK and *out, or an error. */
int pl_plan_open(pl_ctx *ctx, const char *scenario, int flags, pl_plan **out);
/* pl_plan_open in two: the scenario file alone (a plan with no layers yet:
 * where its outputs go can be checked before anything is computed), then
 * the rest on it (on failure p stays the caller's, to free). */
int pl_plan_read(pl_ctx *ctx, const char *scenario, pl_plan **out);
int pl_plan_compute(pl_ctx *ctx, pl_plan *p, int flags);
void pl_plan_free(pl_ctx *ctx, pl_plan *p);
/* Returns: number of blocking conflicts over all routes. */
/* The worst verdict of its routes (PL_V_FREE when it has none). */
int pl_plan_worst(const pl_plan *p);


/* ==== export.c: GeoJSON and summary ==================================== */
/* One output layer: its name and its GeoJSON (as export.c writes it). */
typedef struct pl_outlayer {
    const char *name;
    const pl_buf *geojson;   /* empty or NULL: skipped */
} pl_outlayer;
/* Options of a run folder. */
typedef struct pl_export_opts {
    int kml;             /* plan.kml too */
    int png;             /* plan.png when rsvg-convert is installed */
    const char *when;    /* ISO 8601 time stamped into plan.gpkg */
    const pl_outlayer *layers; /* the PL_EXPORT_N_LAYERS layers from pl_export_layers,
                                  or NULL to make them */
} pl_export_opts;
/* The run folder, replaced whole (pl_dir_swap): NAME.geojson and NAME.qml
 * per layer, plan.gpkg, plan.kml (asked), plan.svg, plan.png (when
 * possible), report.html, summary.json.  All files are built in memory
 * first; nothing is written when any part fails.  In steps, for a run that
 * records itself between them: pl_folder_check, before anything is
 * computed (dir is a plan folder, or new, and its parent writable);
 * pl_export_stage, the new folder written beside the old (what killed runs
 * left there removed first, and said), interrupts held until pl_stage_end;
 * pl_stage_swap, the new folder in place, the old one aside;
 * pl_stage_unswap, the old one back; pl_stage_end, the folder aside
 * removed (the old one, or the new one when not swapped), and the held
 * interrupts released: call it after pl_export_stage whatever happened.
 * pl_export_run: all of them.  Returns PL_OK or an error. */
typedef struct pl_stage {
    char *final;         /* the run folder (a link to it followed) */
    char *tmp;           /* the new folder beside it; after the swap, the old one */
    char *made;          /* the first parent folder this run made, or NULL */
    int swapped;         /* tmp is in place */
    int had_old;         /* there was a folder to swap with */
    int holding;         /* interrupts held (held: the mask before) */
    sigset_t held;
} pl_stage;
int pl_folder_check(pl_ctx *ctx, const char *dir);
int pl_export_stage(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_export_opts *o, pl_stage *st);
int pl_stage_swap(pl_ctx *ctx, pl_stage *st);
int pl_stage_unswap(pl_ctx *ctx, pl_stage *st);
void pl_stage_end(pl_ctx *ctx, pl_stage *st);
int pl_export_run(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_export_opts *o);
#define PL_EXPORT_N_LAYERS 7
/* The plan's layers as GeoJSON buffers (zones, coverage, conflicts, routes,
 * reroutes, candidates, vertiports; empty when the plan has none) and
 * their names in ls (pointing into b). */
int pl_export_layers(pl_ctx *ctx, const pl_plan *p, pl_buf b[PL_EXPORT_N_LAYERS],
                     pl_outlayer ls[PL_EXPORT_N_LAYERS]);
#define PL_EXPORT_N_BASE 6
/* basemap.c: the scenario's water and boundary layers (roles water and
 * boundary) as GeoJSON buffers for plan.gpkg, split by dimension: water,
 * water_lines, water_points, boundary, boundary_lines, boundary_points
 * (empty when there is none), their names in ls (pointing into b).  Every
 * feature with its id, layer, properties, source, license and accuracy. */
int pl_export_base(pl_ctx *ctx, const pl_plan *p, pl_buf b[PL_EXPORT_N_BASE], pl_outlayer ls[PL_EXPORT_N_BASE]);
/* The name of output layer i (0 .. PL_EXPORT_N_LAYERS - 1), NULL past them. */
const char *pl_export_layer_name(int i);
/* summary.json into s: the run's head, the files (summary.json itself the
 * last), siting, totals, layers and routes. */
void pl_export_summary(const pl_plan *p, const char *const *files, size_t nf, pl_buf *s);
/* ==== geojson.c: the one lon/lat and geometry writer ==================== */
/* The plan's working CRS -> WGS84 transformer (NULL, error set, on failure). */
pl_xform *pl_geojson_xform(pl_ctx *ctx, const pl_plan *p);
/* g (working CRS) as RFC 7946 geometry text. */
int pl_geojson_geom(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g);
/* A route's 3D line: x, y (working CRS) and z (metres, as the route gives
 * them), n waypoints, as a GeoJSON LineString with three coordinates (null
 * when under 1 cm long).  A waypoint that prints the same as the one before
 * is written once, as every position of every output is. */
int pl_geojson_line_z(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const double *x, const double *y, const double *z,
                      size_t n);
/* Reroutes asked for on the command line: routes[i] and its result rr[i]. */
typedef struct pl_reroute_list {
    const pl_route *const *routes; /* borrowed */
    const pl_reroute *rr;          /* borrowed, n of them */
    size_t n;
} pl_reroute_list;
/* Machine-readable check result (routes + conflicts, and the reroutes of
 * rl unless it is NULL) into b. */
int pl_export_check_json(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, pl_buf *b);
/* Machine-readable reroutes (planner reroute --json) into b. */
int pl_export_reroute_json(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, pl_buf *b);
/* Machine-readable proposal verdicts with their reasons (validate --json),
 * and the reroutes of rl unless it is NULL, into b. */
int pl_export_validate_json(pl_ctx *ctx, const pl_plan *p, const pl_routeset *props,
                            const pl_proposal_result *res, const pl_reroute_list *rl, pl_buf *b);
/* Machine-readable layer report into b. */
int pl_export_layers_json(pl_ctx *ctx, const pl_plan *p, pl_buf *b);
/* Rerouted paths as an RFC 7946 FeatureCollection (one feature per route
 * with a path found), into b. */
int pl_export_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_route *const *routes,
                       const pl_reroute *rr, size_t n, pl_buf *b);
/* Proposals coloured by verdict (simplestyle "stroke"), RFC 7946, into b. */
int pl_export_proposals(pl_ctx *ctx, const struct pl_plan *p, const pl_routeset *props,
                        const pl_proposal_result *res, pl_buf *b);
/* g (working CRS) as an RFC 7946 geometry object in lon/lat into b. */
int pl_export_geom_lonlat(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *g, pl_buf *b);
/* Working CRS -> lon/lat for one point (used by text output too). */
int pl_export_lonlat(pl_ctx *ctx, const pl_plan *p, double x, double y, double *lon, double *lat);

/* ==== style.c: colours and symbols of every output ===================== */
enum pl_style_geom { PL_STYLE_POINT, PL_STYLE_LINE, PL_STYLE_POLY };
typedef struct pl_style_cat {
    const char *value;   /* property value */
    const char *label;   /* legend label, Chinese and English */
    const char *fill;    /* "#rrggbb", NULL: not filled */
    const char *stroke;  /* "#rrggbb" */
    double alpha;        /* fill opacity */
} pl_style_cat;
typedef struct pl_layer_style {
    const char *layer;        /* output layer name */
    const char *title;        /* legend title */
    const char *field;        /* the property the colour follows */
    int geom;                 /* enum pl_style_geom */
    const pl_style_cat *cats;
    size_t n_cats;
    const char *label_field;  /* labels, NULL: none */
    double width_mm;          /* line width, marker size */
    const char *label_expr;   /* QGIS label expression, NULL: label_field */
    int label_priority;       /* QGIS label priority 0..10 (sites, routes 10) */
    double label_scale;       /* labels only at 1:label_scale and closer, 0: always */
    double layer_scale;       /* the layer only at 1:layer_scale and closer, 0: always */
    const char *status_field; /* lines: "existing" solid and wide, else dashed */
    const pl_style_cat *other; /* values not listed, NULL: a grey "other" */
} pl_layer_style;
/* Returns: the style of an output layer (static), NULL when unstyled. */
const pl_layer_style *pl_style_for(const char *layer);
/* Returns: the category of value (a grey "other" one when unknown). */
const pl_style_cat *pl_style_pick(const pl_layer_style *s, const char *value);
/* The layer's QGIS style (QML document) into b. */
void pl_style_qml(const pl_layer_style *s, pl_buf *b);
/* The icon of KML point placemarks: Google Earth's white circle, which it
 * resolves (and tints with the style's colour); other clients that cannot
 * fetch it draw their default pin.  A plain .kml has no file to bundle. */
#define PL_KML_ICON "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
/* The OGR feature style string for a value into b (KML colours). */
void pl_style_ogr(const pl_layer_style *s, const char *value, pl_buf *b);

/* ==== ogrout.c: the plan's layers into GDAL datasets ==================== */
enum { PL_OGR_KML_STYLE = 1 };
/* Copy layers into the open GDAL dataset dst (a GDALDatasetH), creating
 * each layer when missing (else appending, fields matched by name), with
 * geometries in crs; run_field = run_id on every feature when run_field is
 * not NULL.  PL_OGR_KML_STYLE (the target is KML) sets OGR style strings
 * from style.c and keeps characters XML cannot hold out of the text. */
int pl_ogr_copy(pl_ctx *ctx, void *dst, const char *crs, const pl_outlayer *ls, size_t n, int flags,
                const char *run_field, long long run_id);
/* A QGIS layer_styles row (QML) for every styled layer of ls present in dst. */
int pl_ogr_styles(pl_ctx *ctx, void *dst, const pl_outlayer *ls, size_t n, const char *when);
/* A whole GeoPackage ("GPKG", with layer_styles) or KML ("LIBKML") file in
 * memory, into out; when: ISO 8601 time stamped into the file. */
int pl_export_dataset(pl_ctx *ctx, const char *driver, const char *crs, const pl_outlayer *ls, size_t n,
                      const char *when, pl_buf *out);

/* ==== map.c: the map picture =========================================== */
/* plan.svg: A4 landscape map of the plan with legend, scale and north. */
int pl_map_svg(pl_ctx *ctx, const pl_plan *p, pl_buf *b);
/* plan.png from the SVG through rsvg-convert; out stays empty (PL_OK) when
 * no converter is installed. */
int pl_map_png(pl_ctx *ctx, const pl_buf *svg, pl_buf *png);

/* ==== report.c: the report ============================================= */
/* report.html: one self-contained page (map inline, no network). */
int pl_report_html(pl_ctx *ctx, const pl_plan *p, const pl_buf *svg, pl_buf *b);

/* ==== store.c: every run kept ========================================== */
/* A run store: a SpatiaLite file (created when missing) or "PG:..."
 * (PostGIS).  pl_store_open checks it before anything is computed: a
 * SpatiaLite file that is there must be readable and writable (its folder
 * too), pass PRAGMA quick_check, have run_id in its runs table and take a
 * write transaction, its folder is locked (writers take turns) until
 * pl_store_close; a missing one must be creatable; PostGIS must answer
 * within timeout_s seconds (<= 0: PL_STORE_TIMEOUT_S), every statement
 * too.  pl_store_begin writes a run (its summary, the scenario text and
 * hashes, every layer with run_id; layers: as pl_export_layers made them,
 * or NULL to make them) in a transaction it leaves open (*run_id: its
 * id); pl_store_commit commits it; pl_store_close rolls back what is not
 * committed and frees s (NULL: nothing).  pl_store_record: all four. */
#define PL_STORE_TIMEOUT_S 5
typedef struct pl_store pl_store;
int pl_store_open(pl_ctx *ctx, const char *db, int timeout_s, pl_store **out);
int pl_store_begin(pl_ctx *ctx, pl_store *s, const pl_plan *p, const char *out_dir, const pl_outlayer *layers,
                   long long *run_id);
int pl_store_commit(pl_ctx *ctx, pl_store *s);
void pl_store_close(pl_store *s);
int pl_store_record(pl_ctx *ctx, const pl_plan *p, const char *db, const char *out_dir, const pl_outlayer *layers,
                    long long *run_id);
/* The runs of a store, one line each, into out (PostGIS: timeout_s as
 * pl_store_open). */
int pl_store_history(pl_ctx *ctx, const char *db, int timeout_s, pl_buf *out);
/* What changed from run a to run b: scenario lines, data, sites added and
 * dropped, routes whose verdict changed, coverage. */
int pl_store_diff(pl_ctx *ctx, const char *db, int timeout_s, long long a, long long b, pl_buf *out);

/* ==== zonex.c: zone exchange (EUROCAE ED-269 / ED-318) and fences ====== */
enum { PL_ZONEX_NONE = 0, PL_ZONEX_ED269 = 269, PL_ZONEX_ED318 = 318 };
/* Returns: PL_ZONEX_ED269 / ED318 when the file is a UAS geographical
 * zone file of that standard, else PL_ZONEX_NONE. */
int pl_zonex_detect(const char *path);
/* The file's zones as an RFC 7946 FeatureCollection in our zone schema
 * (id, name, class, floor_m, ceiling_m, altitude_ref, restriction, reason,
 * schedule, source, license, accuracy): each geometry part one feature,
 * circles as polygons that contain them, feet as metres.  *n_skipped:
 * NO_RESTRICTION zones left out (information only). */
int pl_zonex_read(pl_ctx *ctx, const char *path, pl_buf *geojson, size_t *n_skipped);
/* The ED-269/ED-318 reason code of a zone class ("OTHER" when unknown). */
const char *pl_zonex_reason_of(const char *cls);
/* The plan's zones in ED-269 or ED-318 JSON into out. */
int pl_zonex_write(pl_ctx *ctx, const pl_plan *p, int format, pl_buf *out);
/* A QGroundControl plan (PX4 firmware 12, ArduPilot 3) for route r: its
 * waypoints as the mission, its corridor as the inclusion fence, every
 * zone forbidding it at its altitudes within 2 km of the corridor as an
 * exclusion fence (polygons grown, never shrunk, when simplified). */
int pl_fence_qgc(pl_ctx *ctx, const pl_plan *p, const pl_route *r, int firmware, pl_buf *out);

/* ==== cli.c ============================================================= */
int pl_cli_main(pl_ctx *ctx, int argc, char **argv);

/* ==== output/text.c: the plan as text ================================== */
/* "Scenario NAME (TITLE), working CRS ..., N zones": one line. */
void pl_text_head(const pl_plan *p);
/* Every route with its verdict, and with_conflicts: each conflict. */
void pl_text_routes(pl_ctx *ctx, const pl_plan *p, int with_conflicts);
/* The siting: objective, bound (or "not computed"), method; list: each site. */
void pl_text_siting(const pl_plan *p, int list);
/* Why site or candidate id is in or out; PL_EXIT_BAD (said on stderr) when
 * there is none. */
int pl_text_explain(const pl_plan *p, const char *id);
/* Each reroute of rl; returns 1 when some route has no path. */
int pl_text_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl);
/* Each proposal's verdict and reasons, then the counts. */
void pl_text_verdicts(const pl_routeset *props, const pl_proposal_result *res, const size_t counts[PL_V__N]);
/* Each layer: file, driver, CRS, counts, repairs and rejections. */
void pl_text_layers(const pl_plan *p);
/* Each feature a layer repaired or rejected, as a warning on stderr. */
void pl_text_issues(const pl_plan *p);

/* ==== plan.c: the steps a command takes on an open plan ================= */
/* The folder a run writes: given (-o), else the scenario's output, else
 * out/NAME (in buf). */
const char *pl_plan_out_dir(const pl_plan *p, const char *given, char *buf, size_t n);
/* The default run store of a run folder: runs.sqlite in its parent. */
void pl_plan_store_beside(const char *dir, char *buf, size_t n);
/* The run folder (pl_export_run), stamped with the scenario file's time so
 * that the same files give the same bytes; layers: made already, or NULL. */
int pl_plan_write(pl_ctx *ctx, const pl_plan *p, const char *dir, int kml, const pl_outlayer *layers);
/* The same with the run recorded in store (opened by pl_store_open; NULL:
 * none) between the folder's writing and its swap, committed after the
 * swap (a failed commit swaps the old folder back): the store never lists
 * a run whose folder is not there.  *run_id: the run's id in store. */
int pl_plan_publish(pl_ctx *ctx, const pl_plan *p, const char *dir, int kml, const pl_outlayer *layers,
                    pl_store *store, long long *run_id);
/* The forbidden routes into out (room for every route); their count. */
size_t pl_plan_blocked(const pl_plan *p, const pl_route **out);
/* Reroute routes[0..n), margin_m beyond each half-width, into rl, which
 * owns the results: pl_plan_reroutes_free (also after a failure). */
int pl_plan_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_route **routes, size_t n, double margin_m,
                     pl_reroute_list *rl);
void pl_plan_reroutes_free(pl_reroute_list *rl);
/* 1 when the siting placed fewer new sites than the scenario asks. */
int pl_plan_sites_short(const pl_plan *p);

/* A batch of proposals validated against an open plan: what was read and
 * each one's result.  Owner: the caller, pl_batch_free. */
typedef struct pl_batch {
    pl_layer_decl *decls;      /* the proposal files as layers */
    pl_layer **layers;
    size_t n_files;
    pl_routeset *props;        /* the proposals */
    pl_proposal_result *res;   /* one a proposal */
    size_t counts[PL_V__N];    /* proposals by verdict */
    double read_ms, check_ms;  /* reading the files, checking them (wall time) */
    double zones_ms;           /* reading a zone index's zones after them (PL_PLAN_ZONES_LATER) */
    pl_buf note;               /* what happened to the zone index then, when anything did (else empty) */
} pl_batch;
/* Read files[0..n_files) (named names[i], NULL: their paths) as proposals (shift: 0 WGS84, 1 GCJ-02, 2 BD-09
 * lon/lat) and validate them on threads (0: one per processor), keeping
 * want (PL_WANT_*) of each result; a plan whose zones wait (pl_plan_zones_near)
 * reads them once the proposals are read.  PL_OK, or an error. */
int pl_plan_validate(pl_ctx *ctx, pl_plan *p, char **files, char **names, size_t n_files, int shift,
                     int threads, int want, pl_batch *b);
void pl_batch_free(pl_ctx *ctx, pl_batch *b);

/* ==== zindex.c: the zone index file ==================================== */
/* A stamp of the files a plan's index is keyed by (zkey.c; never index)
 * by their names, sizes, inodes and modification and change times, not
 * their bytes: a few stat calls, for serve to see, before each proposal,
 * that a file changed since the plan was opened.  0; 1 when some file's
 * change time (ctime: the kernel's, not an mtime set by touch or tar) is
 * since or later (it may have changed while the plan was read: take the
 * stamp as changed); -1 when some file cannot be watched (a folder
 * dataset, a VRT naming other files, a file missing). */
int pl_zindex_stamp(const pl_scenario *sc, const char *index, time_t since, char out[65]);
/* Open the plan as pl_plan_open does (flags the same), from the index file
 * when it is whole and its key is the layers' and the planner's; else
 * built from the layers, and the index file written again (whole).  What
 * happened, one line, into note ("zone index FILE: loaded", "... rebuilt,
 * it was corrupt (checksum)", ...).  A plan from the index holds what
 * validate reads: zones, terrain, routes, open sites, water and vertiports
 * features (not the other layers' features, the checks' conflicts, the
 * designs or the siting's reasons). */
int pl_plan_open_indexed(pl_ctx *ctx, const char *scenario, int flags, const char *index, pl_plan **out,
                         pl_buf *note);
/* With PL_PLAN_ZONES_LATER in flags, a plan loaded from the index has its
 * zone set empty but for the terrain until this reads it: for a few
 * proposals (props: read, in the working CRS) only the zones within reach
 * of their segments, the only ones their check can meet; for a batch, or
 * props NULL, every zone.  A zone record found damaged (its sum): the zones
 * built from the layers instead, the index written again, and said in
 * note.  Nothing to do for any other plan.  PL_OK, or an error. */
int pl_plan_zones_near(pl_ctx *ctx, pl_plan *p, const pl_routeset *props, pl_buf *note);
typedef struct pl_zdefer pl_zdefer;
void pl_zdefer_free(pl_zdefer *d);

/* ==== engine/approvals.c: what an approval takes ======================== */
/* What the regulation asks an application to hold (Art. 26, 2024 interim
 * regulations): one line. */
#define PL_APPROVAL_DOCUMENTS                                                                              \
    "flight activity application: the aircraft (type, registration, Art. 62 class), the operator and pilot " \
    "licences, the route and true heights, the time window, the purpose (Art. 26)"
/* Who decides: the scenario's approvals.authority, else the role the
 * regulation names (the code invents no office). */
const char *pl_approval_authority(const pl_scenario *sc);
/* By when (Art. 26: 12:00 the day before the flight): with the flight's date
 * (YYYY-MM-DD), the date and time (UTC+8); without, the rule in words. */
void pl_approval_deadline(const char *flight_date, char *out, size_t n);
/* One approval a route needs: what to apply for, for which zone or rule,
 * why (the basis), where along the route. */
typedef struct pl_approval {
    const char *apply_for;     /* "airspace use (controlled airspace)" or "flight activity" */
    const char *zone_id, *rule; /* one of them: the zone, or the rule (height limit, aircraft_class) */
    const char *basis;
    double from_m, to_m;
} pl_approval;
#define PL_MAX_APPROVALS 64
/* What an approval entry is for: a zone (or an aircraft class's height
 * limit) the route enters, its aircraft class, its separation from another
 * route, an end away from a vertiport. */
enum pl_approval_kind { PL_AP_ZONE, PL_AP_CLASS, PL_AP_SEPARATION, PL_AP_VERTIPORT };
/* The one builder of an approval entry, for the plan's approvals sheet and
 * validate's alike: what to apply for, the zone (PL_AP_ZONE: z, or the rule
 * "height limit" when z is a class's height rule) or the rule
 * (aircraft_class, separation, vertiport), the legal basis (a zone's rule's
 * basis; the article for the others, RULES.md), from_m .. to_m along r (NAN
 * when not known).  Returns: the entry; its strings are borrowed from z, the
 * scenario or static text. */
pl_approval pl_approval_entry(int kind, const pl_route *r, const pl_zone *z, double from_m, double to_m);
/* One entry as a JSON object into b: apply_for, zone_id, rule, basis,
 * authority, apply_by (p's flight date), documents, from_along_m,
 * to_along_m (null when not known). */
void pl_approval_json(const pl_plan *p, const pl_approval *a, pl_buf *b);
/* Its two parts: the head, everything before from_along_m (the same bytes
 * for the same p and strings of a: validate keeps it for the next route),
 * and the tail, from_along_m to the closing brace. */
void pl_approval_json_head(const pl_plan *p, const pl_approval *a, pl_buf *b);
void pl_approval_json_tail(const pl_approval *a, pl_buf *b);
/* The approvals route needs (at most cap) into out: every conflict whose
 * verdict is approval, and its class when it always files.  Their count. */
size_t pl_route_approvals(const pl_plan *p, size_t route, pl_approval *out, size_t cap);
/* The route's "approvals" member (JSON): each approval it needs, with what,
 * why, to whom, by when, the documents and where along the route. */
void pl_export_approvals(const pl_plan *p, size_t route, pl_buf *b);
/* ,"heights":...,"agl_min_m":...,"agl_max_m":... (and ground_unknown_m
 * with a terrain model): how a route's heights were taken and its true
 * heights, the same fields in every output. */
void pl_export_heights(const pl_plan *p, double agl_min, double agl_max, double unknown_m, pl_buf *b);
/* How the plan's heights are taken, one line in Chinese (zh 1) or English:
 * above a flat datum, or true heights from the terrain model. */
void pl_heights_note(const pl_plan *p, int zh, char *out, size_t n);

#endif
