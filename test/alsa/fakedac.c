/*
 * fakedac: an ALSA ioplug PCM that behaves like a USB DAC, for Auris's output tests.
 * It accepts only the formats and rates it is configured with, writes every byte it is given to
 * a file, can consume at real time (its clock drives the hardware pointer, so a starved stream
 * underruns like real hardware), and can inject one xrun or a disconnect after N frames played.
 * A second open while it is held fails with -EBUSY, like a hw device.
 *
 * What it received and what it played are two different things: after an xrun, a prepare drops
 * whatever the buffer still held, and an unplug stops the clock where it is. So besides the
 * capture of every byte received (<file>, truncated at each open), it appends to <file>.played the
 * bytes it actually played (each cycle's received bytes up to its play position), so that across
 * an unplug and a reopen it holds what a listener heard, and to <file>.log one line per event:
 *   open
 *   xrun played=<frames played since open> dropped=<frames in the buffer that were never played>
 *   unplug played=<frames played since open> dropped=<frames received but never played>
 *   close played=<frames played since open> received=<frames received since open>
 *
 * Build: gcc -O2 -shared -fPIC -DPIC -o libasound_module_pcm_fakedac.so fakedac.c -lasound
 * (test/helpers/alsa.ts builds it into .cache/alsa-plugins/). Config options (test/alsa/asoundrc):
 *   file "<path>"            capture file (truncated at each open); <path>.played and <path>.log are appended to
 *   formats [ "S32_LE" ... ] accepted formats        rates [ 44100 ... ]  accepted rates
 *   channels_min N, channels_max N                    realtime 0|1          pace at the sample rate
 *   xrun_after N             one xrun once N frames have been played
 *   disconnect_after N       -ENODEV (unplugged) once N frames have been played
 *   replug_after_ms N        after an unplug, opens fail with -ENODEV for N ms (default 0: the
 *                            next open finds it back); -1: it never comes back. The unplug time is
 *                            kept in <file>.unplugged, so a probe from any process sees it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <alsa/asoundlib.h>
#include <alsa/pcm_external.h>

#define MAX_LIST 32

typedef struct {
  snd_pcm_ioplug_t io;
  int fd;         /* capture file: every byte received */
  int played_fd;  /* <file>.played: the bytes played */
  FILE *log;      /* <file>.log: xruns, unplugs, totals */
  int lock_fd;    /* exclusive hold */
  int poll_fd;    /* timerfd: readable when a period of room is free, like a DAC's interrupt */
  int realtime;
  long xrun_after, disconnect_after;
  char unplugged_path[4096]; /* <file>.unplugged: CLOCK_MONOTONIC ns of the last unplug */
  int xrun_done, disconnected;
  unsigned frame_bytes;
  /* Per prepare cycle (ioplug restarts its pointers at prepare). */
  snd_pcm_uframes_t transferred; /* frames handed to us since prepare */
  snd_pcm_uframes_t played_base; /* frames played before the clock (re)started */
  struct timespec started;
  int clock_running;
  off_t cycle_start; /* offset in the capture file of this cycle's first received byte */
  /* Since open. */
  snd_pcm_uframes_t played_before_cycle;
  snd_pcm_uframes_t received_before_cycle;
} fakedac_t;

static double elapsed_s(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Frames played in this cycle, never more than were handed over. */
static snd_pcm_uframes_t played_now(fakedac_t *d) {
  snd_pcm_uframes_t played = d->played_base;
  if (!d->realtime) return d->transferred;
  if (d->clock_running) played += (snd_pcm_uframes_t)(elapsed_s(&d->started) * d->io.rate);
  return played < d->transferred ? played : d->transferred;
}

/* Ends a prepare cycle at `played` frames: those bytes of the cycle go to <file>.played, the rest
 * of what the cycle received was never heard. Returns the frames dropped. */
static snd_pcm_uframes_t end_cycle(fakedac_t *d, snd_pcm_uframes_t played) {
  char buf[65536];
  off_t at = d->cycle_start;
  size_t left = (size_t)played * d->frame_bytes;
  while (left > 0) {
    ssize_t n = pread(d->fd, buf, left < sizeof buf ? left : sizeof buf, at);
    if (n <= 0) break;
    if (write(d->played_fd, buf, (size_t)n) != n) break;
    at += n;
    left -= (size_t)n;
  }
  const snd_pcm_uframes_t dropped = d->transferred - played;
  d->played_before_cycle += played;
  d->received_before_cycle += d->transferred;
  d->cycle_start += (off_t)(d->transferred * d->frame_bytes);
  d->transferred = 0;
  d->played_base = 0;
  d->clock_running = 0;
  return dropped;
}

/* Frames of room in the buffer now. */
static long room_now(fakedac_t *d) {
  return (long)d->io.buffer_size - (long)(d->transferred - played_now(d));
}

/* Arms the poll timer for the moment a period of room is free: at once when it already is, never
 * while the clock stands still with a full buffer (a real DAC raises no interrupt then either). */
static void arm_poll(fakedac_t *d) {
  struct itimerspec when = {0};
  const long need = (long)d->io.period_size - room_now(d);
  if (need <= 0 || !d->realtime || d->disconnected) {
    when.it_value.tv_nsec = 1;
  } else if (d->clock_running) {
    const long long ns = (long long)need * 1000000000LL / d->io.rate + 1;
    when.it_value.tv_sec = ns / 1000000000LL;
    when.it_value.tv_nsec = ns % 1000000000LL;
  }
  timerfd_settime(d->poll_fd, 0, &when, NULL);
}

static int fd_poll_revents(snd_pcm_ioplug_t *io, struct pollfd *pfd, unsigned int nfds, unsigned short *revents) {
  fakedac_t *d = io->private_data;
  uint64_t expirations;
  (void)pfd;
  (void)nfds;
  while (read(d->poll_fd, &expirations, sizeof expirations) > 0) {
  }
  *revents = 0;
  if (d->disconnected) *revents = POLLOUT | POLLERR;
  else if (room_now(d) >= (long)io->period_size) *revents = POLLOUT;
  arm_poll(d);
  return 0;
}

static int fd_start(snd_pcm_ioplug_t *io) {
  fakedac_t *d = io->private_data;
  clock_gettime(CLOCK_MONOTONIC, &d->started);
  d->clock_running = 1;
  arm_poll(d);
  return 0;
}

static int fd_stop(snd_pcm_ioplug_t *io) {
  fakedac_t *d = io->private_data;
  d->played_base = played_now(d);
  d->clock_running = 0;
  arm_poll(d);
  return 0;
}

static int fd_pause(snd_pcm_ioplug_t *io, int enable) {
  if (enable) return fd_stop(io);
  return fd_start(io);
}

static snd_pcm_sframes_t fd_pointer(snd_pcm_ioplug_t *io) {
  fakedac_t *d = io->private_data;
  if (d->disconnected) {
    snd_pcm_ioplug_set_state(io, SND_PCM_STATE_DISCONNECTED);
    return -ENODEV;
  }
  snd_pcm_uframes_t played = played_now(d);
  const snd_pcm_uframes_t total = d->played_before_cycle + played;
  if (d->disconnect_after > 0 && total >= (snd_pcm_uframes_t)d->disconnect_after) {
    /* Unplugged exactly when frame disconnect_after had played: nothing after it was heard. The
     * pointer still reports that last position (the host can read it with snd_pcm_status);
     * every later call finds the device gone. */
    played = (snd_pcm_uframes_t)d->disconnect_after - d->played_before_cycle;
    d->disconnected = 1;
    const snd_pcm_sframes_t last = (snd_pcm_sframes_t)(played % io->buffer_size);
    const snd_pcm_uframes_t dropped = end_cycle(d, played);
    fprintf(d->log, "unplug played=%lu dropped=%lu\n", (unsigned long)d->played_before_cycle, (unsigned long)dropped);
    fflush(d->log);
    FILE *mark = fopen(d->unplugged_path, "we");
    if (mark) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      fprintf(mark, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
      fclose(mark);
    }
    snd_pcm_ioplug_set_state(io, SND_PCM_STATE_DISCONNECTED);
    return last;
  }
  if (io->state == SND_PCM_STATE_RUNNING) {
    int xrun = 0;
    if (d->xrun_after > 0 && !d->xrun_done && total >= (snd_pcm_uframes_t)d->xrun_after) {
      d->xrun_done = 1;
      xrun = 1;
    }
    /* A real-time DAC whose buffer ran dry. */
    if (d->realtime && d->clock_running && d->played_base + (snd_pcm_uframes_t)(elapsed_s(&d->started) * io->rate) > d->transferred) xrun = 1;
    if (xrun) {
      /* Like a hw driver at an xrun: the stream stops with its pointer where playing stopped, so
       * the host can read (snd_pcm_status) how much of its buffer was never played. */
      d->played_base = played;
      d->clock_running = 0;
      fprintf(d->log, "xrun played=%lu dropped=%lu\n", (unsigned long)total, (unsigned long)(d->transferred - played));
      fflush(d->log);
      snd_pcm_ioplug_set_state(io, SND_PCM_STATE_XRUN);
    }
  }
  return (snd_pcm_sframes_t)(played % io->buffer_size);
}

static snd_pcm_sframes_t fd_transfer(snd_pcm_ioplug_t *io, const snd_pcm_channel_area_t *areas,
                                     snd_pcm_uframes_t offset, snd_pcm_uframes_t size) {
  fakedac_t *d = io->private_data;
  if (d->disconnected) return -ENODEV;
  const char *buf = (const char *)areas[0].addr + (areas[0].first + areas[0].step * offset) / 8;
  size_t left = size * d->frame_bytes;
  while (left > 0) {
    ssize_t n = write(d->fd, buf, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    buf += n;
    left -= (size_t)n;
  }
  d->transferred += size;
  arm_poll(d);
  return (snd_pcm_sframes_t)size;
}

static int fd_prepare(snd_pcm_ioplug_t *io) {
  fakedac_t *d = io->private_data;
  if (d->disconnected) return -ENODEV;
  /* A prepare drops what the buffer held and not played (ALSA's semantics). */
  end_cycle(d, played_now(d));
  arm_poll(d);
  return 0;
}

static int fd_hw_params(snd_pcm_ioplug_t *io, snd_pcm_hw_params_t *params) {
  fakedac_t *d = io->private_data;
  (void)params;
  d->frame_bytes = (unsigned)(snd_pcm_format_physical_width(io->format) / 8) * io->channels;
  return 0;
}

static int fd_close(snd_pcm_ioplug_t *io) {
  fakedac_t *d = io->private_data;
  if (!d->disconnected && d->frame_bytes > 0) end_cycle(d, played_now(d));
  if (d->log) {
    fprintf(d->log, "close played=%lu received=%lu\n", (unsigned long)d->played_before_cycle, (unsigned long)d->received_before_cycle);
    fclose(d->log);
  }
  if (d->played_fd >= 0) close(d->played_fd);
  if (d->fd >= 0) close(d->fd);
  if (d->poll_fd >= 0) close(d->poll_fd);
  if (d->lock_fd >= 0) close(d->lock_fd); /* releases the flock */
  free(d);
  return 0;
}

static const snd_pcm_ioplug_callback_t callbacks = {
    .start = fd_start,
    .stop = fd_stop,
    .pointer = fd_pointer,
    .transfer = fd_transfer,
    .close = fd_close,
    .hw_params = fd_hw_params,
    .prepare = fd_prepare,
    .pause = fd_pause,
    .poll_revents = fd_poll_revents,
};

static int read_list(snd_config_t *n, unsigned *out, int is_format) {
  snd_config_iterator_t i, next;
  int count = 0;
  snd_config_for_each(i, next, n) {
    snd_config_t *e = snd_config_iterator_entry(i);
    if (count >= MAX_LIST) return -EINVAL;
    if (is_format) {
      const char *s;
      if (snd_config_get_string(e, &s) < 0) return -EINVAL;
      snd_pcm_format_t f = snd_pcm_format_value(s);
      if (f == SND_PCM_FORMAT_UNKNOWN) return -EINVAL;
      out[count++] = (unsigned)f;
    } else {
      long v;
      if (snd_config_get_integer(e, &v) < 0) return -EINVAL;
      out[count++] = (unsigned)v;
    }
  }
  return count;
}

SND_PCM_PLUGIN_DEFINE_FUNC(fakedac) {
  snd_config_iterator_t i, next;
  const char *file = NULL;
  unsigned formats[MAX_LIST], rates[MAX_LIST];
  int nformats = 0, nrates = 0;
  long ch_min = 1, ch_max = 8, realtime = 0, xrun_after = 0, disconnect_after = 0, replug_after_ms = 0;
  int err;
  (void)root;

  snd_config_for_each(i, next, conf) {
    snd_config_t *n = snd_config_iterator_entry(i);
    const char *id;
    if (snd_config_get_id(n, &id) < 0) continue;
    if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint")) continue;
    if (!strcmp(id, "file")) { if (snd_config_get_string(n, &file) < 0) return -EINVAL; continue; }
    if (!strcmp(id, "formats")) { if ((nformats = read_list(n, formats, 1)) < 0) return -EINVAL; continue; }
    if (!strcmp(id, "rates")) { if ((nrates = read_list(n, rates, 0)) < 0) return -EINVAL; continue; }
    if (!strcmp(id, "channels_min")) { snd_config_get_integer(n, &ch_min); continue; }
    if (!strcmp(id, "channels_max")) { snd_config_get_integer(n, &ch_max); continue; }
    if (!strcmp(id, "realtime")) { snd_config_get_integer(n, &realtime); continue; }
    if (!strcmp(id, "xrun_after")) { snd_config_get_integer(n, &xrun_after); continue; }
    if (!strcmp(id, "disconnect_after")) { snd_config_get_integer(n, &disconnect_after); continue; }
    if (!strcmp(id, "replug_after_ms")) { snd_config_get_integer(n, &replug_after_ms); continue; }
    SNDERR("fakedac: unknown field %s", id);
    return -EINVAL;
  }
  if (file == NULL || nformats == 0 || nrates == 0 || stream != SND_PCM_STREAM_PLAYBACK) return -EINVAL;

  /* Still unplugged? Then there is no device to open, as with a USB DAC that is not there. */
  char unplugged_path[4096];
  snprintf(unplugged_path, sizeof unplugged_path, "%s.unplugged", file);
  FILE *mark = fopen(unplugged_path, "re");
  if (mark) {
    long long at = 0;
    const int got = fscanf(mark, "%lld", &at);
    fclose(mark);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long long now_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    if (got == 1 && (replug_after_ms < 0 || now_ns < at + replug_after_ms * 1000000LL)) return -ENODEV;
    unlink(unplugged_path);
  }

  fakedac_t *d = calloc(1, sizeof(*d));
  if (d == NULL) return -ENOMEM;
  d->fd = d->poll_fd = d->lock_fd = d->played_fd = -1;
  d->realtime = (int)realtime;
  d->xrun_after = xrun_after;
  d->disconnect_after = disconnect_after;
  memcpy(d->unplugged_path, unplugged_path, sizeof unplugged_path);

  /* Hold the device like a hw PCM: a second opener gets -EBUSY. */
  char lock_path[4096];
  snprintf(lock_path, sizeof lock_path, "%s.lock", file);
  d->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (d->lock_fd < 0) { err = -errno; goto fail; }
  if (flock(d->lock_fd, LOCK_EX | LOCK_NB) < 0) { err = errno == EWOULDBLOCK ? -EBUSY : -errno; goto fail; }
  d->fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (d->fd < 0) { err = -errno; goto fail; }
  char side_path[4096];
  snprintf(side_path, sizeof side_path, "%s.played", file);
  d->played_fd = open(side_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (d->played_fd < 0) { err = -errno; goto fail; }
  snprintf(side_path, sizeof side_path, "%s.log", file);
  d->log = fopen(side_path, "ae");
  if (d->log == NULL) { err = -errno; goto fail; }
  fprintf(d->log, "open\n");
  fflush(d->log);
  d->poll_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (d->poll_fd < 0) { err = -errno; goto fail; }

  d->io.version = SND_PCM_IOPLUG_VERSION;
  d->io.name = "Auris fake DAC";
  d->io.callback = &callbacks;
  d->io.private_data = d;
  d->io.poll_fd = d->poll_fd;
  d->io.poll_events = POLLIN;
  d->io.mmap_rw = 0;
  if ((err = snd_pcm_ioplug_create(&d->io, name, stream, mode)) < 0) goto fail;

  const unsigned access[] = {SND_PCM_ACCESS_RW_INTERLEAVED};
  if ((err = snd_pcm_ioplug_set_param_list(&d->io, SND_PCM_IOPLUG_HW_ACCESS, 1, access)) < 0 ||
      (err = snd_pcm_ioplug_set_param_list(&d->io, SND_PCM_IOPLUG_HW_FORMAT, (unsigned)nformats, formats)) < 0 ||
      (err = snd_pcm_ioplug_set_param_list(&d->io, SND_PCM_IOPLUG_HW_RATE, (unsigned)nrates, rates)) < 0 ||
      (err = snd_pcm_ioplug_set_param_minmax(&d->io, SND_PCM_IOPLUG_HW_CHANNELS, (unsigned)ch_min, (unsigned)ch_max)) < 0 ||
      (err = snd_pcm_ioplug_set_param_minmax(&d->io, SND_PCM_IOPLUG_HW_PERIOD_BYTES, 64, 4 * 1024 * 1024)) < 0 ||
      (err = snd_pcm_ioplug_set_param_minmax(&d->io, SND_PCM_IOPLUG_HW_PERIODS, 2, 1024)) < 0) {
    snd_pcm_ioplug_delete(&d->io);
    return err;
  }
  *pcmp = d->io.pcm;
  return 0;

fail:
  if (d->log) fclose(d->log);
  if (d->played_fd >= 0) close(d->played_fd);
  if (d->fd >= 0) close(d->fd);
  if (d->poll_fd >= 0) close(d->poll_fd);
  if (d->lock_fd >= 0) close(d->lock_fd);
  free(d);
  return err;
}

SND_PCM_PLUGIN_SYMBOL(fakedac);
