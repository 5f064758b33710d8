// overlayfs, the way a run's workspace costs nothing to make: a read-only
// checkout below, the run's own upper layer above, mounted where /workspace is
// bound from.
#pragma once

#include <string>

#include "core/status.h"

namespace corral::runner {

// Mounts at `target` (an empty directory) the view of `lower` with every
// change written to `upper` (`work` is overlayfs's scratch directory; both on
// one filesystem). Renamed directories are recorded as redirects, and a
// change of mode copies the whole file up (no metadata-only copies), so the
// upper layer alone says what changed (upper_layer.h); nothing is synced to
// disk (volatile: after a crash the layer is removed, never mounted again).
// Needs root and Linux 5.10; an error otherwise, or where the filesystem
// cannot hold an upper layer.
Status mount_overlay(const std::string& lower, const std::string& upper, const std::string& work,
                     const std::string& target);

// Detaches whatever is mounted at `path`; ok if nothing is (or `path` is gone).
Status unmount(const std::string& path);

// Whether overlays can be mounted with their upper layers under `directory`:
// "" when they can, else why not. Tried once per directory and process, with
// a small overlay of its own.
std::string overlay_unavailable_under(const std::string& directory);

}  // namespace corral::runner
