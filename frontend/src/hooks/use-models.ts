import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import type { Model } from '../lib/types';

/** The served models, from the OpenAI-compatible /v1/models. */
export function useModels(): Model[] {
  const [models, setModels] = useState<Model[]>([]);
  useEffect(() => {
    api
      .get<{ data: Model[] }>('/v1/models')
      .then((list) => setModels(list.data))
      .catch(() => setModels([]));
  }, []);
  return models;
}

/** The demo model says so in its description ("untrained demo model: …"). */
export function isDemoModel(model: Model | undefined): boolean {
  return !!model?.description && /untrained|demo model/i.test(model.description);
}
