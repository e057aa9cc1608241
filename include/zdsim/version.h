/* version.h: the version of zdsim, as `zdsim --version` and `zdsim --help` print it, every
 * stored run and sweep records it and the dashboard shows it: "0.2.0 (git 1a2b3c4)".
 * Not for the store's schema version (store.h) or the JSON documents' (document.h). */
#pragma once

/* The release: the one place it is written. */
#define ZDSIM_RELEASE "0.2.0"

/* The Makefile passes the commit as -DZDSIM_GIT="1a2b3c4" (with "-dirty" when the work tree
 * differs from it); a build outside git, or a compile by hand, has the release alone. A
 * build may also pass a whole -DZDSIM_VERSION (the fuzz targets do). */
#ifndef ZDSIM_VERSION
#ifdef ZDSIM_GIT
#define ZDSIM_VERSION ZDSIM_RELEASE " (git " ZDSIM_GIT ")"
#else
#define ZDSIM_VERSION ZDSIM_RELEASE
#endif
#endif
