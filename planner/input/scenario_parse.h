/*
 * scenario_parse.h - what the scenario reader's three files share (inside
 * planner/input/ only): the parser's state and the functions its sections
 * are read with.
 *
 *   scenario_yaml.c   documents read, values read or reported at their
 *                     file:line:column, paths resolved and checked
 *   scenario_rules.c  the built-in rules, the rules: and aircraft: sections
 *   scenario.c        the top-level keys, include, layers, route_defaults,
 *                     siting; pl_scenario_load and pl_scenario_free
 */
#ifndef PL_SCENARIO_PARSE_H
#define PL_SCENARIO_PARSE_H

#include "planner.h"

#include <libfyaml.h>

#define MAX_ERRS 8    /* messages collected before giving up */
#define MAX_INCLUDE 8 /* scenario -> include -> ... at most this deep */

typedef struct parser {
    pl_ctx *ctx;
    const char *file;   /* the document being read, as named (messages) */
    const char *dir;    /* its folder: its paths are relative to it */
    pl_buf errs;        /* collected messages, one per line */
    int n_errs;
    struct fy_node *aircraft_mark; /* where route_defaults.aircraft is written */
    struct fy_diag *diag;
    struct fy_document *docs[MAX_INCLUDE + 1]; /* every document read, kept to the end */
    char *names[MAX_INCLUDE + 1];              /* their names as given, and folders */
    char *dirs[MAX_INCLUDE + 1];
    char *real[MAX_INCLUDE + 1];               /* their real paths, for cycles */
    int n_docs;
    int chain[MAX_INCLUDE + 1];                /* the include chain now open */
    int depth;
    char *data_root;    /* real path of the folder data may come from */
    char data_root_text[300]; /* how messages name it */
} parser;

/* ==== scenario_yaml.c ================================================== */

/* The 1-based line and column where n starts (0, 0 when unknown). */
void pl_scn_node_pos(struct fy_node *n, int *line, int *col);
/* One message "file:line:column: ..." at node at (or "file: ..."). */
void pl_scn_perr(parser *p, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Returns: the scalar text (borrowed from the document) or NULL after
 * reporting what was expected. */
const char *pl_scn_scalar(parser *p, struct fy_node *n, const char *what);
/* A copy of a non-empty scalar, or NULL (reported). */
char *pl_scn_dup_scalar(parser *p, struct fy_node *n, const char *what);
/* A finite number >= lo into *out: 0, or -1 (reported). */
int pl_scn_number(parser *p, struct fy_node *n, const char *what, double lo, double *out);
void pl_scn_unknown_key(parser *p, struct fy_node *key, const char *where, const char *expected);
/* rel against dir, "." and "dir/.." dropped (malloc'd; NULL when out of memory). */
char *pl_scn_resolve_path(const char *dir, const char *rel);
/* 0 when a data path is a local file inside the data root, else -1 (reported). */
int pl_scn_check_path(parser *p, struct fy_node *at, const char *given, const char *resolved);
/* The diagnostics libfyaml reports syntax errors through, into p's messages. */
struct fy_diag *pl_scn_diag_create(parser *p);
/* Read one YAML document into p->docs; returns its index or -1 (reported). */
int pl_scn_read_doc(parser *p, struct fy_node *at, const char *name);
/* Everything p holds (documents, names, data root, diagnostics, messages). */
void pl_scn_parser_free(parser *p);

/* ==== scenario_rules.c ================================================= */

/* The built-in rules into sc->a_rules; -1 when out of memory. */
int pl_scn_rules_init(pl_scenario *sc);
/* rules: {CLASS: {route, vertiport, basis}} over the built-in rules. */
void pl_scn_parse_rules(parser *p, pl_scenario *sc, struct fy_node *v);
/* aircraft: {NAME: {max_height_m, above, basis}} */
void pl_scn_parse_aircraft(parser *p, pl_scenario *sc, struct fy_node *v);

#endif
