/* version.h: the version of zdsim, as `zdsim --version` prints it, every stored run and sweep
 * records it and the dashboard shows it. Not for the store's schema version (store.h). */
#pragma once

/* The Makefile passes `git describe` (or 0.1 outside a git checkout) as -DZDSIM_VERSION; a
 * build without it, such as a compile by hand, says 0.1. */
#ifndef ZDSIM_VERSION
#define ZDSIM_VERSION "0.1"
#endif
