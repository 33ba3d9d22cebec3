"""Reads a gzip-compressed pprof profile (perftools.profiles.Profile) with the official protobuf
package and prints a JSON summary: sample types, sample count, total of the first value, function
names. The message types are declared here from profile.proto's field numbers (the subset read)."""
import gzip
import json
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
fd = descriptor_pb2.FileDescriptorProto(name="profile_subset.proto", package="perftools.profiles")


def message(name, fields):
    m = fd.message_type.add(name=name)
    for fname, number, ftype, label, type_name in fields:
        f = m.field.add(name=fname, number=number, type=ftype, label=label)
        if type_name:
            f.type_name = type_name


REP, OPT = F.LABEL_REPEATED, F.LABEL_OPTIONAL
message("ValueType", [("type", 1, F.TYPE_INT64, OPT, None), ("unit", 2, F.TYPE_INT64, OPT, None)])
message("Sample", [("location_id", 1, F.TYPE_UINT64, REP, None), ("value", 2, F.TYPE_INT64, REP, None)])
message("Function", [("id", 1, F.TYPE_UINT64, OPT, None), ("name", 2, F.TYPE_INT64, OPT, None)])
message("Profile", [
    ("sample_type", 1, F.TYPE_MESSAGE, REP, ".perftools.profiles.ValueType"),
    ("sample", 2, F.TYPE_MESSAGE, REP, ".perftools.profiles.Sample"),
    ("function", 5, F.TYPE_MESSAGE, REP, ".perftools.profiles.Function"),
    ("string_table", 6, F.TYPE_STRING, REP, None),
    ("duration_nanos", 10, F.TYPE_INT64, OPT, None),
    ("period", 12, F.TYPE_INT64, OPT, None),
])
pool = descriptor_pool.DescriptorPool()
pool.Add(fd)
Profile = message_factory.GetMessageClass(pool.FindMessageTypeByName("perftools.profiles.Profile"))

raw = open(sys.argv[1], "rb").read()
p = Profile()
p.ParseFromString(gzip.decompress(raw))
st = list(p.string_table)
print(json.dumps({
    "sample_types": [[st[t.type], st[t.unit]] for t in p.sample_type],
    "samples": len(p.sample),
    "total": sum(s.value[0] for s in p.sample if s.value),
    "functions": [st[f.name] for f in p.function if 0 <= f.name < len(st)],
    "duration_nanos": p.duration_nanos,
}))
