// Lock-free single-producer/single-consumer byte ring. The producer is the JS thread (Stream::Write),
// the consumer the device thread. Positions are monotonic 64-bit byte counters, so "full" and
// "empty" never need a spare slot; the capacity is a whole number of frames so that a contiguous
// read never splits a frame. The buffer is allocated once, before the device thread starts.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace auris {

class SpscRing {
 public:
  // capacity: bytes, a multiple of frame_bytes. Allocates; call on the JS thread only.
  SpscRing(size_t capacity, size_t frame_bytes)
      : capacity_(capacity), frame_bytes_(frame_bytes), data_(new uint8_t[capacity]) {}

  size_t capacity() const { return capacity_; }
  size_t frame_bytes() const { return frame_bytes_; }

  // Producer: bytes that can be written now.
  size_t Writable() const {
    return capacity_ - static_cast<size_t>(head_.load(std::memory_order_relaxed) - tail_.load(std::memory_order_acquire));
  }

  // Producer: copies the whole frames of src that fit; returns bytes written (a multiple of the
  // frame size, 0 when full). Never blocks.
  size_t Write(const uint8_t* src, size_t len) {
    const uint64_t head = head_.load(std::memory_order_relaxed);
    const size_t free_bytes = capacity_ - static_cast<size_t>(head - tail_.load(std::memory_order_acquire));
    size_t n = len < free_bytes ? len : free_bytes;
    n -= n % frame_bytes_;
    if (n == 0) return 0;
    const size_t pos = static_cast<size_t>(head % capacity_);
    const size_t first = n < capacity_ - pos ? n : capacity_ - pos;
    std::memcpy(data_.get() + pos, src, first);
    if (n > first) std::memcpy(data_.get(), src + first, n - first);
    head_.store(head + n, std::memory_order_release);
    return n;
  }

  // Either side: bytes queued.
  size_t Readable() const {
    return static_cast<size_t>(head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire));
  }

  // Consumer: pointer to the longest contiguous readable run and its length in bytes (whole frames).
  const uint8_t* PeekContiguous(size_t* len) const {
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    const size_t avail = static_cast<size_t>(head_.load(std::memory_order_acquire) - tail);
    const size_t pos = static_cast<size_t>(tail % capacity_);
    const size_t run = capacity_ - pos;
    *len = avail < run ? avail : run;
    return data_.get() + pos;
  }

  // Consumer: releases n bytes read through PeekContiguous.
  void Consume(size_t n) { tail_.store(tail_.load(std::memory_order_relaxed) + n, std::memory_order_release); }

  // Consumer: drops everything queued (used when the device thread discards on close).
  void ConsumeAll() { tail_.store(head_.load(std::memory_order_acquire), std::memory_order_release); }

  // Total bytes ever consumed (for position accounting).
  uint64_t TotalConsumed() const { return tail_.load(std::memory_order_acquire); }

 private:
  const size_t capacity_;
  const size_t frame_bytes_;
  std::unique_ptr<uint8_t[]> data_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the consumer
};

}  // namespace auris
