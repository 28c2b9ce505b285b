/*
 * fakemixer: an ALSA external control plugin (ctl_ext) that behaves like the mixer of a DAC with
 * hardware volume, for Auris's hardware-volume tests. Paired with a fakedac PCM of the same name
 * (pcm.dacvol + ctl.dacvol in test/alsa/asoundrc), it is what alsa-lib's simple mixer sees on a
 * real card: for each configured element NAME, an integer "NAME Playback Volume" with a dB scale
 * (TLV DB_SCALE, optionally with mute at the lowest step) and a boolean "NAME Playback Switch",
 * both with one value per channel.
 *
 * The values live in a small state file that tests read and write directly, one line per element:
 *   NAME vol V1 .. Vn sw S1 .. Sn
 * (raw volume steps; 1 = on). A missing file starts at the configured initial step, switch on.
 * Every change made through ALSA is written back at once; changes made to the file by someone
 * else (another process, like a user moving a slider in alsamixer) are noticed through inotify and
 * reported as value events, the way a kernel driver notifies every open control handle.
 *
 * Build: gcc -O2 -shared -fPIC -DPIC -o libasound_module_ctl_fakemixer.so fakemixer.c -lasound
 * (test/helpers/alsa.ts builds it into .cache/alsa-plugins/). Config options:
 *   state "<path>"          the state file (required)
 *   elements [ "Master" ]   element names, no spaces (default: one element "Master")
 *   channels N              values per element, 1..8 (default 2)
 *   steps N                 raw volume range 0..N (default 254)
 *   min_db N                dB of raw step 0, in 0.01 dB (default -12700)
 *   step_db N               dB per raw step, in 0.01 dB; 0 = no dB scale at all (default 50)
 *   mute_at_min 0|1         the lowest step is mute (TLV mute flag)
 *   initial N               raw step when the state file does not exist (default: steps)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <alsa/asoundlib.h>
#include <alsa/control_external.h>

#define MAX_ELEMENTS 8
#define MAX_CHANNELS 8
#define NAME_MAX_LEN 32

typedef struct {
  char name[NAME_MAX_LEN];
  long volume[MAX_CHANNELS];
  long on[MAX_CHANNELS];
} element_t;

typedef struct {
  snd_ctl_ext_t ext;
  char state_path[PATH_MAX];
  char state_base[NAME_MAX + 1]; /* file name inside the watched folder */
  int inotify_fd;
  int nelements, channels;
  long steps;
  unsigned int tlv[4];
  element_t elements[MAX_ELEMENTS];
  /* Controls with an unread value event: bit 2*e = volume of element e, 2*e+1 = its switch. */
  unsigned int pending;
} fakemixer_t;

/* Control key k: element k / 2; even k is the volume, odd k the switch. */
#define KEY_ELEMENT(k) ((int)((k) / 2))
#define KEY_IS_SWITCH(k) (((k) & 1) != 0)

static void control_name(const fakemixer_t *m, snd_ctl_ext_key_t key, char *out, size_t len) {
  snprintf(out, len, "%s Playback %s", m->elements[KEY_ELEMENT(key)].name, KEY_IS_SWITCH(key) ? "Switch" : "Volume");
}

/* Writes every element to the state file (small: one write, then truncate to it). */
static int save_state(const fakemixer_t *m) {
  char buf[4096];
  size_t n = 0;
  for (int e = 0; e < m->nelements; e++) {
    const element_t *el = &m->elements[e];
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s vol", el->name);
    for (int c = 0; c < m->channels; c++) n += (size_t)snprintf(buf + n, sizeof buf - n, " %ld", el->volume[c]);
    n += (size_t)snprintf(buf + n, sizeof buf - n, " sw");
    for (int c = 0; c < m->channels; c++) n += (size_t)snprintf(buf + n, sizeof buf - n, " %ld", el->on[c]);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\n");
  }
  int fd = open(m->state_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -errno;
  ssize_t w = pwrite(fd, buf, n, 0);
  int err = w == (ssize_t)n ? 0 : -EIO;
  if (err == 0 && ftruncate(fd, (off_t)n) < 0) err = -errno;
  close(fd);
  return err;
}

static long clamp(long v, long lo, long hi) { return v < lo ? lo : v > hi ? hi : v; }

/*
 * Reads the state file into `out` (a copy of the current values); lines for unknown elements and
 * malformed numbers are ignored. Returns 0, or -ENOENT when there is no file yet.
 */
static int load_state(const fakemixer_t *m, element_t *out) {
  FILE *f = fopen(m->state_path, "re");
  if (f == NULL) return -errno;
  char line[1024];
  while (fgets(line, sizeof line, f) != NULL) {
    char *save = NULL;
    const char *name = strtok_r(line, " \t\n", &save);
    if (name == NULL) continue;
    int e = 0;
    while (e < m->nelements && strcmp(m->elements[e].name, name) != 0) e++;
    if (e == m->nelements) continue;
    long *target = NULL;
    int c = 0;
    const char *tok;
    while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL) {
      if (!strcmp(tok, "vol")) { target = out[e].volume; c = 0; continue; }
      if (!strcmp(tok, "sw")) { target = out[e].on; c = 0; continue; }
      char *end;
      long v = strtol(tok, &end, 10);
      if (target == NULL || *end != '\0' || c >= m->channels) continue;
      target[c++] = target == out[e].volume ? clamp(v, 0, m->steps) : (v != 0);
    }
  }
  fclose(f);
  return 0;
}

/* Re-reads the file after inotify said it changed; marks the controls whose values differ. */
static void reload_if_changed(fakemixer_t *m) {
  char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  int ours = 0;
  for (;;) {
    ssize_t n = read(m->inotify_fd, events, sizeof events);
    if (n <= 0) break;
    for (char *p = events; p < events + n;) {
      const struct inotify_event *ev = (const struct inotify_event *)p;
      if (ev->len > 0 && strcmp(ev->name, m->state_base) == 0) ours = 1;
      p += sizeof *ev + ev->len;
    }
  }
  if (!ours) return;
  element_t fresh[MAX_ELEMENTS];
  memcpy(fresh, m->elements, sizeof fresh);
  if (load_state(m, fresh) < 0) return;
  for (int e = 0; e < m->nelements; e++) {
    if (memcmp(fresh[e].volume, m->elements[e].volume, sizeof fresh[e].volume) != 0) m->pending |= 1u << (2 * e);
    if (memcmp(fresh[e].on, m->elements[e].on, sizeof fresh[e].on) != 0) m->pending |= 1u << (2 * e + 1);
  }
  memcpy(m->elements, fresh, sizeof fresh);
}

static int fm_elem_count(snd_ctl_ext_t *ext) {
  fakemixer_t *m = ext->private_data;
  return 2 * m->nelements;
}

static int fm_elem_list(snd_ctl_ext_t *ext, unsigned int offset, snd_ctl_elem_id_t *id) {
  fakemixer_t *m = ext->private_data;
  if (offset >= (unsigned)(2 * m->nelements)) return -EINVAL;
  char name[64];
  control_name(m, offset, name, sizeof name);
  snd_ctl_elem_id_set_interface(id, SND_CTL_ELEM_IFACE_MIXER);
  snd_ctl_elem_id_set_name(id, name);
  return 0;
}

static snd_ctl_ext_key_t fm_find_elem(snd_ctl_ext_t *ext, const snd_ctl_elem_id_t *id) {
  fakemixer_t *m = ext->private_data;
  if (snd_ctl_elem_id_get_interface(id) != SND_CTL_ELEM_IFACE_MIXER || snd_ctl_elem_id_get_index(id) != 0) return SND_CTL_EXT_KEY_NOT_FOUND;
  const char *wanted = snd_ctl_elem_id_get_name(id);
  for (snd_ctl_ext_key_t k = 0; k < (snd_ctl_ext_key_t)(2 * m->nelements); k++) {
    char name[64];
    control_name(m, k, name, sizeof name);
    if (strcmp(name, wanted) == 0) return k;
  }
  return SND_CTL_EXT_KEY_NOT_FOUND;
}

static int fm_get_attribute(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, int *type, unsigned int *acc, unsigned int *count) {
  fakemixer_t *m = ext->private_data;
  *count = (unsigned)m->channels;
  *acc = SND_CTL_EXT_ACCESS_READWRITE;
  if (KEY_IS_SWITCH(key)) {
    *type = SND_CTL_ELEM_TYPE_BOOLEAN;
  } else {
    *type = SND_CTL_ELEM_TYPE_INTEGER;
    if (m->tlv[0] != 0) *acc |= SND_CTL_EXT_ACCESS_TLV_READ; /* served from ext.tlv.p */
  }
  return 0;
}

static int fm_get_integer_info(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *imin, long *imax, long *istep) {
  fakemixer_t *m = ext->private_data;
  (void)key;
  *imin = 0;
  *imax = m->steps;
  *istep = 1;
  return 0;
}

static int fm_read_integer(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *value) {
  fakemixer_t *m = ext->private_data;
  const element_t *el = &m->elements[KEY_ELEMENT(key)];
  memcpy(value, KEY_IS_SWITCH(key) ? el->on : el->volume, sizeof(long) * (size_t)m->channels);
  return 0;
}

/* ctl_ext contract: 0 when nothing changed, 1 after a change, negative on error. */
static int fm_write_integer(snd_ctl_ext_t *ext, snd_ctl_ext_key_t key, long *value) {
  fakemixer_t *m = ext->private_data;
  element_t *el = &m->elements[KEY_ELEMENT(key)];
  long *target = KEY_IS_SWITCH(key) ? el->on : el->volume;
  const long max = KEY_IS_SWITCH(key) ? 1 : m->steps;
  for (int c = 0; c < m->channels; c++) if (value[c] < 0 || value[c] > max) return -EINVAL;
  if (memcmp(target, value, sizeof(long) * (size_t)m->channels) == 0) return 0;
  memcpy(target, value, sizeof(long) * (size_t)m->channels);
  int err = save_state(m);
  if (err < 0) return err;
  m->pending |= 1u << key; /* a driver notifies every handle, the writer's too */
  return 1;
}

static void fm_subscribe_events(snd_ctl_ext_t *ext, int subscribe) {
  fakemixer_t *m = ext->private_data;
  if (!subscribe) m->pending = 0;
}

/* One pending value event per call; -EAGAIN when there is none. */
static int fm_read_event(snd_ctl_ext_t *ext, snd_ctl_elem_id_t *id, unsigned int *event_mask) {
  fakemixer_t *m = ext->private_data;
  reload_if_changed(m);
  if (!ext->subscribed || m->pending == 0) return -EAGAIN;
  const unsigned key = (unsigned)__builtin_ctz(m->pending);
  m->pending &= ~(1u << key);
  char name[64];
  control_name(m, key, name, sizeof name);
  snd_ctl_elem_id_set_numid(id, key + 1); /* ctl_ext's numids are offset + 1 */
  snd_ctl_elem_id_set_interface(id, SND_CTL_ELEM_IFACE_MIXER);
  snd_ctl_elem_id_set_name(id, name);
  *event_mask = SND_CTL_EVENT_MASK_VALUE;
  return 1;
}

static void fm_close(snd_ctl_ext_t *ext) {
  fakemixer_t *m = ext->private_data;
  if (m->inotify_fd >= 0) close(m->inotify_fd);
  free(m);
}

static const snd_ctl_ext_callback_t callbacks = {
    .close = fm_close,
    .elem_count = fm_elem_count,
    .elem_list = fm_elem_list,
    .find_elem = fm_find_elem,
    .get_attribute = fm_get_attribute,
    .get_integer_info = fm_get_integer_info,
    .read_integer = fm_read_integer,
    .write_integer = fm_write_integer,
    .subscribe_events = fm_subscribe_events,
    .read_event = fm_read_event,
};

SND_CTL_PLUGIN_DEFINE_FUNC(fakemixer) {
  snd_config_iterator_t i, next;
  const char *state = NULL;
  const char *names[MAX_ELEMENTS] = {"Master"};
  int nnames = 1;
  long channels = 2, steps = 254, min_db = -12700, step_db = 50, mute_at_min = 0, initial = -1;
  int err;
  (void)root;

  snd_config_for_each(i, next, conf) {
    snd_config_t *n = snd_config_iterator_entry(i);
    const char *id;
    if (snd_config_get_id(n, &id) < 0) continue;
    if (!strcmp(id, "comment") || !strcmp(id, "type") || !strcmp(id, "hint")) continue;
    if (!strcmp(id, "state")) { if (snd_config_get_string(n, &state) < 0) return -EINVAL; continue; }
    if (!strcmp(id, "elements")) {
      snd_config_iterator_t j, jnext;
      nnames = 0;
      snd_config_for_each(j, jnext, n) {
        const char *s;
        if (nnames >= MAX_ELEMENTS || snd_config_get_string(snd_config_iterator_entry(j), &s) < 0) return -EINVAL;
        if (strlen(s) == 0 || strlen(s) >= NAME_MAX_LEN || strchr(s, ' ') != NULL) return -EINVAL;
        names[nnames++] = s;
      }
      continue;
    }
    long *target = !strcmp(id, "channels") ? &channels : !strcmp(id, "steps") ? &steps : !strcmp(id, "min_db") ? &min_db
                 : !strcmp(id, "step_db") ? &step_db : !strcmp(id, "mute_at_min") ? &mute_at_min : !strcmp(id, "initial") ? &initial : NULL;
    if (target != NULL) { if (snd_config_get_integer(n, target) < 0) return -EINVAL; continue; }
    SNDERR("fakemixer: unknown field %s", id);
    return -EINVAL;
  }
  if (state == NULL || nnames == 0 || channels < 1 || channels > MAX_CHANNELS || steps < 1 || step_db < 0 || step_db > 0xffff) return -EINVAL;
  if (initial < 0 || initial > steps) initial = steps;

  fakemixer_t *m = calloc(1, sizeof(*m));
  if (m == NULL) return -ENOMEM;
  m->inotify_fd = -1;
  snprintf(m->state_path, sizeof m->state_path, "%s", state);
  m->nelements = nnames;
  m->channels = (int)channels;
  m->steps = steps;
  for (int e = 0; e < nnames; e++) {
    snprintf(m->elements[e].name, NAME_MAX_LEN, "%s", names[e]);
    for (int c = 0; c < m->channels; c++) {
      m->elements[e].volume[c] = initial;
      m->elements[e].on[c] = 1;
    }
  }
  if (step_db > 0) {
    m->tlv[0] = SND_CTL_TLVT_DB_SCALE;
    m->tlv[1] = 2 * sizeof(unsigned int);
    m->tlv[2] = (unsigned int)min_db;
    m->tlv[3] = (unsigned int)step_db | (mute_at_min ? 0x10000u : 0);
  }
  if (load_state(m, m->elements) == -ENOENT && (err = save_state(m)) < 0) goto fail;

  /* Watch the folder (the file may be replaced by a rename) for changes made by others. */
  char dir_copy[PATH_MAX], base_copy[PATH_MAX];
  snprintf(dir_copy, sizeof dir_copy, "%s", state);
  snprintf(base_copy, sizeof base_copy, "%s", state);
  snprintf(m->state_base, sizeof m->state_base, "%s", basename(base_copy));
  m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (m->inotify_fd < 0) { err = -errno; goto fail; }
  if (inotify_add_watch(m->inotify_fd, dirname(dir_copy), IN_CLOSE_WRITE | IN_MOVED_TO | IN_MODIFY) < 0) { err = -errno; goto fail; }

  m->ext.version = SND_CTL_EXT_VERSION; /* 1.0.1: needed for TLV */
  m->ext.card_idx = 0;
  snprintf(m->ext.id, sizeof m->ext.id, "FakeMixer");
  snprintf(m->ext.driver, sizeof m->ext.driver, "Auris test");
  snprintf(m->ext.name, sizeof m->ext.name, "Auris fake DAC mixer");
  snprintf(m->ext.longname, sizeof m->ext.longname, "Auris fake DAC with hardware volume");
  snprintf(m->ext.mixername, sizeof m->ext.mixername, "Auris fake mixer");
  m->ext.poll_fd = m->inotify_fd;
  m->ext.callback = &callbacks;
  m->ext.private_data = m;
  if (m->tlv[0] != 0) m->ext.tlv.p = m->tlv;
  if ((err = snd_ctl_ext_create(&m->ext, name, mode)) < 0) goto fail;
  *handlep = m->ext.handle;
  return 0;

fail:
  if (m->inotify_fd >= 0) close(m->inotify_fd);
  free(m);
  return err;
}

SND_CTL_PLUGIN_SYMBOL(fakemixer);
