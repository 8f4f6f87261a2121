// Entry point of the `jsonl` sink: factory and registration (options are in jsonl_config.cpp).
#include "jsonl_config.h"
#include "jsonl_exporter.h"
#include "mpf/sdk/plugin.h"

namespace mpf::sinks::jsonl {

Result<SinkPtr> create_jsonl_sink(const JsonlConfig& config, PluginContext& context) {
  if (Status st = validate_jsonl_config(config); !st.is_ok()) return st;
  return SinkPtr(std::make_unique<JsonlExporter>(config, context));
}

}  // namespace mpf::sinks::jsonl

MPF_SINK_PLUGIN(jsonl, "0.1.0",
                "Writes snapshots as JSON lines (one object per sample or per snapshot) to stdout or a size-rotated file.",
                mpf::sinks::jsonl::jsonl_options, mpf::sinks::jsonl::create_jsonl_sink)
