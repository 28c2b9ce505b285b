// Lock-free single-producer/single-consumer byte ring. The producer is the JS thread (Stream::Write),
// the consumer the device thread. Positions are monotonic 64-bit byte counters, so "full" and
// "empty" never need a spare slot; the capacity is a whole number of frames so that a contiguous
// read never splits a frame. The buffer is allocated once, before the device thread starts.
//
// The consumer has two positions: `read_`, the next byte to send to the device, and `tail_`, up
// to which space is handed back to the producer. With a retain of one device buffer, the bytes
// sent but possibly not played yet stay in the ring, so that after an xrun (whose prepare drops
// what the device held) the device thread can Rewind to the first frame not played and send it
// again: nothing queued is lost.
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

  // Consumer: how many bytes already sent stay in the ring for a Rewind (at most one device buffer).
  void SetRetain(size_t bytes) { retain_ = bytes - bytes % frame_bytes_; }

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

  // Either side: bytes queued and not sent to the device yet.
  size_t Readable() const {
    return static_cast<size_t>(head_.load(std::memory_order_acquire) - read_.load(std::memory_order_acquire));
  }

  // Consumer: pointer to the longest contiguous run not sent yet and its length in bytes (whole frames).
  const uint8_t* PeekContiguous(size_t* len) const {
    const uint64_t read = read_.load(std::memory_order_relaxed);
    const size_t avail = static_cast<size_t>(head_.load(std::memory_order_acquire) - read);
    const size_t pos = static_cast<size_t>(read % capacity_);
    const size_t run = capacity_ - pos;
    *len = avail < run ? avail : run;
    return data_.get() + pos;
  }

  // Consumer: marks n bytes read through PeekContiguous as sent; space older than the retain goes
  // back to the producer.
  void Consume(size_t n) {
    const uint64_t read = read_.load(std::memory_order_relaxed) + n;
    read_.store(read, std::memory_order_release);
    const uint64_t tail = tail_.load(std::memory_order_relaxed);
    if (read - tail > retain_) tail_.store(read - retain_, std::memory_order_release);
  }

  // Consumer: takes back up to n bytes already sent (still retained), to send them again. Returns
  // the bytes taken back (whole frames).
  size_t Rewind(size_t n) {
    const uint64_t read = read_.load(std::memory_order_relaxed);
    const size_t kept = static_cast<size_t>(read - tail_.load(std::memory_order_relaxed));
    size_t back = n < kept ? n : kept;
    back -= back % frame_bytes_;
    read_.store(read - back, std::memory_order_release);
    return back;
  }

  // Consumer: drops everything queued (used when the device thread discards on close).
  void ConsumeAll() {
    const uint64_t head = head_.load(std::memory_order_acquire);
    read_.store(head, std::memory_order_release);
    tail_.store(head, std::memory_order_release);
  }

  // Total bytes ever sent to the device, less what was rewound (for position accounting).
  uint64_t TotalConsumed() const { return read_.load(std::memory_order_acquire); }

 private:
  const size_t capacity_;
  const size_t frame_bytes_;
  std::unique_ptr<uint8_t[]> data_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the producer
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the consumer: space before it is free
  std::atomic<uint64_t> read_{0};              // written by the consumer: next byte to send
  size_t retain_ = 0;                          // consumer only
};

}  // namespace auris
