#pragma once

/// @file
/// Everything a plugin author needs, in one include.

#include "mpf/sdk/base64.h"
#include "mpf/sdk/config_value.h"
#include "mpf/sdk/context.h"
#include "mpf/sdk/duration.h"
#include "mpf/sdk/http_client.h"
#include "mpf/sdk/http_endpoint.h"
#include "mpf/sdk/logger.h"
#include "mpf/sdk/names.h"
#include "mpf/sdk/options.h"
#include "mpf/sdk/plugin.h"
#include "mpf/sdk/processor.h"
#include "mpf/sdk/sample.h"
#include "mpf/sdk/self_metrics.h"
#include "mpf/sdk/sink.h"
#include "mpf/sdk/snapshot.h"
#include "mpf/sdk/source.h"
#include "mpf/sdk/status.h"
#include "mpf/sdk/version.h"
