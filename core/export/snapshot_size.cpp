#include "core/export/snapshot_size.h"

namespace mpf::core {
namespace {

// A name costs its bytes, an offset and about two hash slots.
std::size_t name_table_bytes(const mpf::NameTable& names) { return names.byte_size() + names.size() * 12; }

template <class T>
std::size_t vector_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

std::size_t approximate_snapshot_bytes(const mpf::Snapshot& snapshot) {
  std::size_t bytes = sizeof(mpf::Snapshot) + name_table_bytes(snapshot.names) + vector_bytes(snapshot.nodes) +
                      vector_bytes(snapshot.pods) + vector_bytes(snapshot.containers) +
                      vector_bytes(snapshot.namespaces) + vector_bytes(snapshot.scrapes);
  for (const mpf::ScrapeResult& scrape : snapshot.scrapes) {
    bytes += scrape.source.capacity() + scrape.target.capacity() + scrape.status.message().capacity();
    if (const mpf::NodeBatch* batch = scrape.batch.get()) {
      bytes += sizeof(mpf::NodeBatch) + batch->node_name.capacity() + name_table_bytes(batch->names) +
               vector_bytes(batch->pods) + vector_bytes(batch->containers);
    }
  }
  return bytes;
}

}  // namespace mpf::core
