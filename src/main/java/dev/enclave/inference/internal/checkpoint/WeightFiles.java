package dev.enclave.inference.internal.checkpoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The tensors of a checkpoint across its safetensors shards, by name. With
 * {@code model.safetensors.index.json} the index says which shard holds which tensor;
 * without it every shard's header is read. A name in two shards is refused: which one would
 * be meant is not knowable.
 */
public final class WeightFiles implements AutoCloseable {

	private final List<SafetensorsFile> files;

	private final Map<String, SafetensorsFile> byTensor;

	private WeightFiles(List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
		this.files = files;
		this.byTensor = byTensor;
	}

	static WeightFiles open(Path directory, List<String> fileNames, @Nullable Map<String, String> index) {
		List<SafetensorsFile> files = new ArrayList<>();
		Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
		try {
			for (String name : fileNames) {
				SafetensorsFile file = SafetensorsFile.open(directory.resolve(name));
				files.add(file);
				for (String tensor : file.tensors().keySet()) {
					if (index != null && !name.equals(index.get(tensor))) {
						// The index is authoritative: a tensor it does not place in this shard is not used.
						continue;
					}
					SafetensorsFile previous = byTensor.put(tensor, file);
					if (previous != null) {
						throw new CheckpointException("tensor " + tensor + " is in both " + previous.path().getFileName()
								+ " and " + name);
					}
				}
			}
			if (index != null) {
				for (Map.Entry<String, String> entry : index.entrySet()) {
					if (!byTensor.containsKey(entry.getKey())) {
						throw new CheckpointException("model.safetensors.index.json places " + entry.getKey() + " in "
								+ entry.getValue() + ", which does not contain it");
					}
				}
			}
			return new WeightFiles(Collections.unmodifiableList(files), byTensor);
		}
		catch (RuntimeException ex) {
			files.forEach(SafetensorsFile::close);
			throw ex;
		}
	}

	/** Every tensor name. */
	public Set<String> names() {
		return Collections.unmodifiableSet(this.byTensor.keySet());
	}

	public boolean contains(String name) {
		return this.byTensor.containsKey(name);
	}

	/** The tensor's location; fails naming the tensor when the checkpoint lacks it. */
	public TensorInfo info(String name) {
		return file(name).tensors().get(name);
	}

	/** The shard that holds {@code name}. */
	public SafetensorsFile file(String name) {
		SafetensorsFile file = this.byTensor.get(name);
		if (file == null) {
			throw new CheckpointException("the checkpoint has no tensor " + name);
		}
		return file;
	}

	@Override
	public void close() {
		this.files.forEach(SafetensorsFile::close);
	}

}
