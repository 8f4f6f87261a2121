#pragma once

// The objects of one watched resource as the reflector last saw them. The reflector drives it through
// the type-erased ResourceStore interface (decode and apply), the cluster view reads the typed objects
// to publish snapshots. Used on one thread only (the cluster view's).

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/discovery/k8s_objects.h"
#include "mpf/sdk/status.h"

namespace mpf::core {

// What a list page says besides its items.
struct ListPageMeta {
  std::string resource_version;
  std::string continue_token;
  std::size_t items = 0;
};

// What a watch event says besides its object.
struct WatchEventMeta {
  WatchEventType type = WatchEventType::kAdded;
  std::string resource_version;
  ApiStatus status;  // kError only
};

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;
  // Decodes one page of a list into the staged list (kept apart until commit_list()).
  virtual Result<ListPageMeta> stage_page(std::string_view body) = 0;
  // Forgets the staged pages (a list that failed half-way).
  virtual void discard_staged() = 0;
  // Replaces the objects with the staged list: objects absent from it are gone (deleted while no watch
  // was running). Returns whether anything changed.
  virtual bool commit_list() = 0;
  // Decodes one watch event and applies ADDED / MODIFIED / DELETED. Returns what it was; an event that
  // does not decode changes nothing.
  virtual Result<WatchEventMeta> apply_event(std::string_view line, bool& changed) = 0;
  virtual std::size_t size() const = 0;
};

// A store of T decoded by the given functions and keyed by `Key`, whose string order is the snapshot
// order. Unchanged objects keep their shared_ptr across lists and events, so snapshots share them.
template <class T>
class TypedStore final : public ResourceStore {
 public:
  using ListDecoder = Result<ListPage<T>> (*)(std::string_view);
  using EventDecoder = Result<WatchEvent<T>> (*)(std::string_view);
  using KeyFunction = std::string (*)(const T&);

  TypedStore(ListDecoder decode_list, EventDecoder decode_event, KeyFunction key)
      : decode_list_(decode_list), decode_event_(decode_event), key_(key) {}

  Result<ListPageMeta> stage_page(std::string_view body) override {
    Result<ListPage<T>> page = decode_list_(body);
    if (!page) return page.status();
    ListPageMeta meta{std::move(page->resource_version), std::move(page->continue_token), page->items.size()};
    for (T& item : page->items) {
      std::string key = key_(item);
      staged_.insert_or_assign(std::move(key), std::move(item));
    }
    return meta;
  }

  void discard_staged() override { staged_.clear(); }

  bool commit_list() override {
    std::map<std::string, std::shared_ptr<const T>> next;
    bool changed = staged_.size() != objects_.size();
    for (auto& [key, item] : staged_) {
      auto old = objects_.find(key);
      if (old != objects_.end() && *old->second == item) {
        next.emplace_hint(next.end(), key, old->second);
      } else {
        changed = true;
        next.emplace_hint(next.end(), key, std::make_shared<const T>(std::move(item)));
      }
    }
    objects_ = std::move(next);
    staged_.clear();
    return changed;
  }

  Result<WatchEventMeta> apply_event(std::string_view line, bool& changed) override {
    changed = false;
    Result<WatchEvent<T>> event = decode_event_(line);
    if (!event) return event.status();
    WatchEventMeta meta{event->type, std::move(event->resource_version), std::move(event->status)};
    switch (meta.type) {
      case WatchEventType::kAdded:
      case WatchEventType::kModified: {
        std::string key = key_(event->object);
        auto it = objects_.find(key);
        if (it != objects_.end() && *it->second == event->object) break;  // a status-only change we do not keep
        auto object = std::make_shared<const T>(std::move(event->object));
        if (it != objects_.end()) {
          it->second = std::move(object);
        } else {
          objects_.emplace(std::move(key), std::move(object));
        }
        changed = true;
        break;
      }
      case WatchEventType::kDeleted:
        changed = objects_.erase(key_(event->object)) > 0;
        break;
      case WatchEventType::kBookmark:
      case WatchEventType::kError:
        break;
    }
    return meta;
  }

  std::size_t size() const override { return objects_.size(); }

  // The objects in key order, sharing ownership with the store.
  std::vector<std::shared_ptr<const T>> objects() const {
    std::vector<std::shared_ptr<const T>> out;
    out.reserve(objects_.size());
    for (const auto& entry : objects_) out.push_back(entry.second);
    return out;
  }

 private:
  ListDecoder decode_list_;
  EventDecoder decode_event_;
  KeyFunction key_;
  std::map<std::string, std::shared_ptr<const T>> objects_;
  std::map<std::string, T> staged_;
};

}  // namespace mpf::core
