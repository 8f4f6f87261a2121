#pragma once

// Counts heap allocations made through global operator new. Include in exactly one translation unit
// of a binary: it replaces the global allocation functions for the whole program.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace mpf::test {

inline std::atomic<std::size_t> g_allocations{0};

inline void* counted_allocate(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}

inline void* counted_allocate_aligned(std::size_t size, std::size_t alignment) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (void* p = std::aligned_alloc(alignment, rounded)) return p;
  throw std::bad_alloc();
}

/// Heap allocations made so far by the whole program (monotonic: callers take differences).
inline std::size_t allocations() { return g_allocations.load(std::memory_order_relaxed); }

}  // namespace mpf::test

void* operator new(std::size_t size) { return mpf::test::counted_allocate(size); }
void* operator new[](std::size_t size) { return mpf::test::counted_allocate(size); }
void* operator new(std::size_t size, std::align_val_t a) {
  return mpf::test::counted_allocate_aligned(size, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return mpf::test::counted_allocate_aligned(size, static_cast<std::size_t>(a));
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return mpf::test::counted_allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return mpf::test::counted_allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
