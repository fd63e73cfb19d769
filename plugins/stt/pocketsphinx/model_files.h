// Checks that the files a decoder will load exist, before PocketSphinx sees them.
//
// Why before: PocketSphinx 5prealpha handles some missing model files by printing to its
// log and calling exit() (E_FATAL), which would take the whole host down. Checking here
// turns those into a config error that names the key and the path.
#pragma once

#include "callagent/plugin_api/status.h"
#include "pocketsphinx_config.h"

namespace callagent::plugins::pocketsphinx {

// Reads the file system only (no file is opened or created). Errors are
// ErrorCode::invalid_config, "key: <path> ...": model_dir must be a folder holding the
// acoustic model's files; dictionary, and language_model or grammar (whichever is used),
// must be regular files; log_file's folder must exist.
Status check_model_files(const PocketsphinxConfig& config);

}  // namespace callagent::plugins::pocketsphinx
